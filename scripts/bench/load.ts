import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { freePort } from '@authscale/testkit';
import autocannon from 'autocannon';
import { percentile } from './measure.ts';

export interface LoadRun {
  requestsPerSecond: number;
  p99: number;
  errors: number;
  /** Every response: when it arrived (ms since the run began), how long it took, its status. */
  responses: Array<{ at: number; latency: number; status: number }>;
  /** When each failed request (connection error or timeout) was noticed, ms since the run began. */
  failures: number[];
}

/**
 * GET `url` with `headers` for `seconds`. Closed loop when `rate` is absent (each connection
 * sends its next request when the last one is answered: the maximum rate); otherwise requests
 * are paced at `rate` per second across the connections.
 */
export async function load({
  url,
  headers = {},
  seconds,
  connections = 32,
  rate,
}: {
  url: string;
  headers?: Record<string, string>;
  seconds: number;
  connections?: number;
  rate?: number;
}): Promise<LoadRun> {
  const responses: LoadRun['responses'] = [];
  const failures: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, headers, duration: seconds, connections, overallRate: rate, timeout: 5 },
      (error, outcome) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on('response', (_client, status, _bytes, latency) => {
      responses.push({ at: performance.now() - started, latency, status });
    });
    instance.on('reqError', () => failures.push(performance.now() - started));
  });
  const errors = result.errors + result.non2xx;
  return {
    requestsPerSecond: result.requests.total / seconds,
    p99: percentile(
      responses.map((response) => response.latency),
      99,
    ),
    errors,
    responses,
    failures,
  };
}

/** A reference server as its own process (so it does not share the load generator's event loop). */
export async function startScript(
  file: string,
  env: Record<string, string> = {},
  { cwd }: { cwd?: string } = {},
): Promise<{ url: string; port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  // tsx resolved here, not from the child's working directory, which may be outside the repository.
  const tsx = import.meta.resolve('tsx');
  const child: ChildProcess = spawn(process.execPath, ['--import', tsx, new URL(file, import.meta.url).pathname], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(cwd ? { cwd } : {}),
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface Target {
  url: string;
  headers?: Record<string, string>;
}

/**
 * Closed-loop runs of each target in turn, `rounds` times. On a shared machine the speed of the
 * cores drifts by tens of percent within a minute; taking turns puts each target's runs beside
 * the others', so a ratio of two targets is read within a round, not across the drift.
 */
export async function inTurns(
  targets: Target[],
  { rounds, seconds }: { rounds: number; seconds: number },
): Promise<LoadRun[][]> {
  const runs: LoadRun[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) {
      runs[index]?.push(await load({ ...target, seconds }));
    }
  }
  return runs;
}
