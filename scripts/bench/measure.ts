import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** The nearest-rank percentile of `samples`. */
export const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

/** The middle of `samples` (the upper middle of an even count). */
export const median = (samples: number[]) => percentile(samples, 50);

/** Milliseconds with microsecond resolution, as the tables print them. */
export const ms = (value: number) => value.toFixed(3);

export const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** How long one `operation` took, in milliseconds. */
export async function timed(operation: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await operation();
  return performance.now() - start;
}

/** CPU model, core count and Node version, for a table's header line. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`;
}

/** Samples the 1-minute load average until stopped; reports the range seen during a run. */
export function sampleLoadAverage(intervalMs = 5_000) {
  const samples = [loadavg()[0] as number];
  const timer = setInterval(() => samples.push(loadavg()[0] as number), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0] as number);
      return { min: Math.min(...samples), max: Math.max(...samples) };
    },
  };
}
