/**
 * Fails a call that has not settled within `timeoutMs` to twice that, with one interval for every
 * pending call instead of a timer each. node-redis's per-command timeout builds an AbortSignal, a
 * listener and a DOMException for every command: about 8% of the edge's CPU on a near-cached
 * request, all of it spent on the rate-limit counter.
 */
export function coarseDeadline(timeoutMs: number) {
  if (!(timeoutMs > 0)) throw new TypeError('coarseDeadline: timeoutMs must be positive');
  type Fail = (error: Error) => void;
  let current = new Set<Fail>();
  let previous = new Set<Fail>();
  let sweeper: NodeJS.Timeout | undefined;

  const sweep = () => {
    const expired = previous;
    previous = current;
    current = new Set();
    for (const fail of expired) fail(new Error(`no answer within ${timeoutMs} ms`));
    if (previous.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  return function within<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail: Fail = reject;
      current.add(fail);
      sweeper ??= setInterval(sweep, timeoutMs).unref();
      const settled = () => {
        current.delete(fail);
        previous.delete(fail);
      };
      promise.then(
        (value) => {
          settled();
          resolve(value);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
    });
  };
}
