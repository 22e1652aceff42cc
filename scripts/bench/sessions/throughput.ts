import { performance } from 'node:perf_hooks';
import { yieldToLoop } from '../measure.ts';
import { sessionsBenchSettings } from './sessions-bench-settings.ts';

const { throughputMs, concurrency } = sessionsBenchSettings;

/** Operations per second with `concurrency` of them in flight for `throughputMs`. */
export async function throughput(operation: (index: number) => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + throughputMs;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let index = worker; performance.now() < deadline; index += concurrency) {
        await operation(index);
        done++;
        // Near-cache hits complete without I/O; let the event loop breathe as a server would.
        if (done % concurrency === 0) await yieldToLoop();
      }
    }),
  );
  return Math.round(done / (throughputMs / 1000));
}
