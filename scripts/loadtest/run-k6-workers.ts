import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { executionSegment } from '../../load-tests/execution-segments.ts';
import type { K6Summary, WorkerResult } from '../../load-tests/merge-summaries.ts';

export interface WorkerRun extends WorkerResult {
  summaryFile: string;
  reportFile: string;
}

/** k6's flags for worker `index` (from 0) of `workers`: its execution segment, if it has one. */
export function segmentFlags(index: number, workers: number): string[] {
  const segment = executionSegment(index, workers);
  return segment ? ['--execution-segment', segment.segment, '--execution-segment-sequence', segment.sequence] : [];
}

/**
 * Runs `script` in `workers` local k6 processes at once, each on its own segment, each writing its
 * summary (through the profiles' handleSummary) and k6's HTML dashboard report into `dir`.
 */
export async function runK6Workers({
  k6,
  script,
  workers,
  env,
  dir,
  reportPeriod,
}: {
  k6: string;
  script: string;
  workers: number;
  /** Passed to the script as `-e KEY=VALUE`. */
  env: Record<string, string>;
  dir: string;
  /** How often the HTML report samples. It needs two samples, so a run must last two periods. */
  reportPeriod: string;
}): Promise<WorkerRun[]> {
  return Promise.all(
    Array.from({ length: workers }, async (_, index) => {
      const summaryFile = join(dir, `worker-${index + 1}.json`);
      const reportFile = join(dir, `worker-${index + 1}.html`);
      const scriptEnv = Object.entries({ ...env, SUMMARY_JSON: summaryFile }).flatMap(([key, value]) => [
        '-e',
        `${key}=${value}`,
      ]);
      // No REST API server: it binds one fixed port, which a second process (or engineer) already holds.
      const flags = ['run', '--quiet', '--address', '', ...segmentFlags(index, workers)];
      const child = spawn(k6, [...flags, ...scriptEnv, script], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          K6_WEB_DASHBOARD: 'true',
          // No dashboard server (N processes would want one port); the report is written at the end.
          K6_WEB_DASHBOARD_PORT: '-1',
          K6_WEB_DASHBOARD_EXPORT: reportFile,
          K6_WEB_DASHBOARD_PERIOD: process.env.K6_WEB_DASHBOARD_PERIOD ?? reportPeriod,
        },
      });
      const [exitCode] = (await once(child, 'exit')) as [number | null];
      const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as K6Summary) : null;
      return { exitCode, summary, summaryFile, reportFile };
    }),
  );
}
