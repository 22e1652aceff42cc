export interface WindowCount {
  current: number;
  /** Milliseconds left in the window. */
  ttl: number;
}

/** Adds `by` to the shared counter `key` (its window `windowMs` starting at its first hit). */
export type IncrementShared = (key: string, by: number, windowMs: number) => Promise<WindowCount>;

export interface BatchedCountersOptions {
  /** How often the local sums go to the shared counters. */
  flushEveryMs: number;
  /** Counters held here at once; a hit on another key counts in Redis directly. */
  maxKeys: number;
  now?: () => number;
}

interface Counter {
  /** The shared count as of the last flush. */
  shared: number;
  /** Hits here not sent yet. */
  pending: number;
  /** Hits sent and not yet answered: counted until the answer's total includes them. */
  sending: number;
  expiresAt: number;
  windowMs: number;
}

/**
 * Counts hits in this process and sends the sums to the shared counters every `flushEveryMs`, the
 * way Kong's rate-limiting plugin does with `sync_rate`: a hit costs a map update instead of a
 * Redis round trip. A client can exceed its limit by what it sends to each edge within one flush
 * interval; while Redis cannot be reached each edge still limits on its own count.
 */
export function batchedCounters(
  incrementShared: IncrementShared,
  { flushEveryMs, maxKeys, now = Date.now }: BatchedCountersOptions,
) {
  const counters = new Map<string, Counter>();
  let flushing: Promise<void> | null = null;

  async function flushOnce(): Promise<void> {
    const at = now();
    const sends: Promise<void>[] = [];
    for (const [key, counter] of counters) {
      if (counter.pending === 0) {
        if (at >= counter.expiresAt) counters.delete(key);
        continue;
      }
      const sent = counter.pending;
      counter.pending = 0;
      counter.sending += sent;
      sends.push(
        incrementShared(key, sent, counter.windowMs).then(
          ({ current, ttl }) => {
            counter.sending -= sent;
            counter.shared = current;
            counter.expiresAt = now() + ttl;
          },
          () => {
            counter.sending -= sent;
            counter.pending += sent;
          },
        ),
      );
    }
    await Promise.all(sends);
  }

  const flush = () => {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), flushEveryMs);
  timer.unref();

  return {
    /** Counts one hit and answers from what this process knows. */
    incr(key: string, windowMs: number): WindowCount | Promise<WindowCount> {
      const at = now();
      let counter = counters.get(key);
      if (!counter || at >= counter.expiresAt) {
        if (!counter && counters.size >= maxKeys) return incrementShared(key, 1, windowMs);
        counter = { shared: 0, pending: 0, sending: 0, expiresAt: at + windowMs, windowMs };
        counters.set(key, counter);
      }
      counter.pending++;
      return { current: counter.shared + counter.sending + counter.pending, ttl: counter.expiresAt - at };
    },
    /** Sends what is pending now (tests, shutdown). */
    flush,
    close() {
      clearInterval(timer);
      return flush();
    },
  };
}
