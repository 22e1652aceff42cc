/**
 * `npm run loadtest -- --profile <name>|all|<a,b> [--brief] --workers N [--target <url>] [--users U] [-e KEY=VALUE ...]`
 * `npm run loadtest -- --env <dev|staging> --profile <name> [--wait] [-e KEY=VALUE ...]`
 *
 * Runs k6 profiles from `load-tests/`, one after another, each as N local k6 processes on execution
 * segments; `--brief` cuts each to seconds (`briefSettings`, what CI runs). Without
 * `--target` it starts `npm run stack` (services as their image starts them, rate limits raised
 * for the test window) and seeds U users with live sessions and refresh tokens in bulk first; the
 * failover profile then kills a session replica (or `--kill redis-primary`) 5 s into the run.
 * Writes each worker's summary and HTML report and the merged summary to
 * `.authscale/loadtest/<run-id>/`, a run per profile; exits 1 unless every worker of every profile
 * passed every threshold and made requests at all.
 *
 * With `--env`, it starts the profile on that environment's load-test stack instead (its state
 * machine; docs/load-testing.md, "On AWS") and, with `--wait`, exits as that run ends.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stackStateFile } from '@authscale/testkit';
import { mergeSummaries } from '../load-tests/merge-summaries.ts';
import { briefSettings, type Profile } from '../load-tests/profiles.ts';
import { ensureK6 } from './k6/ensure-k6.ts';
import { parseLoadTestArguments, usage } from './loadtest/arguments.ts';
import { runOnAws } from './loadtest/aws-cli.ts';
import { loadTestPassword, loadTestRateLimits, seededProfiles } from './loadtest/load-test-settings.ts';
import { runK6Workers } from './loadtest/run-k6-workers.ts';
import { seedLocalStack } from './loadtest/seed-local-stack.ts';
import { spawnStack } from './stack/spawn-stack.ts';

const parsed = parseLoadTestArguments(process.argv.slice(2));
if (typeof parsed === 'string') {
  console.error(`${parsed}\n${usage}`);
  process.exit(2);
}
if (parsed.mode === 'aws') process.exit(await runOnAws(parsed));
const { profiles, brief, workers, users, scriptEnv: givenEnv, kill, target } = parsed;

const k6 = ensureK6();
const stack = target ? undefined : await spawnStack({ env: { STACK_RUNTIME: 'image', ...loadTestRateLimits } });
const failed: Profile[] = [];
try {
  for (const profile of profiles) if (!(await runProfile(profile))) failed.push(profile);
} finally {
  await stack?.stop();
}
if (profiles.length > 1)
  console.log(
    `\n${profiles.length - failed.length} of ${profiles.length} profiles passed${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
  );
process.exit(failed.length === 0 ? 0 : 1);

/** One profile, its run in a folder of its own; true when every worker passed. */
async function runProfile(profile: Profile): Promise<boolean> {
  const scriptEnv: Record<string, string> = { ...(brief ? briefSettings[profile] : {}), ...givenEnv };
  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${profile}`;
  const dir = resolve('.authscale', 'loadtest', runId);
  mkdirSync(dir, { recursive: true });
  const baseUrl = target ?? (stack?.edgeUrl as string);
  if (stack && seededProfiles.includes(profile)) {
    const seedingStarted = Date.now();
    const seeded = await seedLocalStack({ state: stackStateFile().read(), count: users, password: loadTestPassword });
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify({ users: seeded }));
    scriptEnv.SEED_FILE = seedFile;
    console.log(`seeded ${seeded.length} users with sessions and refresh tokens in ${Date.now() - seedingStarted} ms`);
  }
  const killer =
    stack && profile === 'failover'
      ? spawn(process.execPath, ['--import', 'tsx', 'load-tests/kill.ts', kill, '--after', '5'], {
          stdio: 'inherit',
        })
      : undefined;
  const runs = await runK6Workers({
    k6,
    script: `load-tests/${profile}.js`,
    workers,
    env: { BASE_URL: baseUrl, LOAD_TEST_PASSWORD: loadTestPassword, ...scriptEnv },
    dir,
    // k6 reports only runs that last two sampling periods (its default is 10 s): smoke is over in
    // about a second, the other profiles run for minutes.
    reportPeriod: profile === 'smoke' ? '100ms' : '1s',
  });
  if (killer && killer.exitCode === null) await once(killer, 'exit');
  const merged = mergeSummaries(runs);
  if (killer && killer.exitCode !== 0)
    merged.failures.push(`load-tests/kill.ts ${kill} exited with ${killer.exitCode}`);
  merged.passed = merged.failures.length === 0;
  const summaryFile = join(dir, 'summary.json');
  writeFileSync(
    summaryFile,
    `${JSON.stringify(
      {
        runId,
        profile,
        target: target ?? 'local stack',
        workers: runs.map(({ exitCode, summary, summaryFile, reportFile }, index) => ({
          worker: index + 1,
          exitCode,
          iterations: summary?.metrics.iterations?.values.count ?? 0,
          summary: summaryFile,
          // k6 writes no report for a run too short to chart.
          report: existsSync(reportFile) ? reportFile : null,
        })),
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        ...merged,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\n${profile} on ${workers} worker(s): ${merged.iterations} iterations, ${merged.requests} requests, ` +
      `${merged.passed ? 'PASSED' : `FAILED\n  ${merged.failures.join('\n  ')}`}\n` +
      `merged summary: ${summaryFile}\nreports: ${runs.map((run) => run.reportFile).join(', ')}`,
  );
  return merged.passed;
}
