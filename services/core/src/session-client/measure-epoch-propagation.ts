import { performance } from 'node:perf_hooks';
import { sessionEpochTtlMs } from './session-epoch.ts';

/** The one call the measurement makes: `PTTL` of the invalidated key, on the node that holds it. */
export interface EpochTtlReader {
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>;
}

/**
 * How long a moved epoch took to reach this process, for `TrackedEpochs.onInvalidated`. Every move
 * sets the epoch's time to live to `sessionEpochTtlMs` in the same script, so when the
 * invalidation arrives Redis's own clock says how long ago that was: the full time to live minus
 * what is left, less half the round trip that asked. No clock of another host takes part. An
 * invalidation for an expired or deleted key (no time to live left) is not a move, and counts
 * nothing. The question goes out after the invalidation was handled, never on a request's path.
 */
export function measureEpochPropagation({
  cluster,
  record,
}: {
  cluster: EpochTtlReader;
  /** Milliseconds from the move to its invalidation arriving here. */
  record: (milliseconds: number) => void;
}): (key: string) => void {
  return (key) => {
    const asked = performance.now();
    cluster.sendCommand(key, true, ['PTTL', key]).then(
      (remaining) => {
        if (typeof remaining !== 'number' || remaining <= 0 || remaining > sessionEpochTtlMs) return;
        const roundTrip = performance.now() - asked;
        record(Math.max(0, sessionEpochTtlMs - remaining - roundTrip / 2));
      },
      () => {},
    );
  };
}
