/**
 * `npm test`: installs the system packages it needs when it can (apt-get as root or through
 * `sudo -n`; otherwise it names the command), starts one real Postgres, one Redis, one 6-node Redis
 * Cluster and a DynamoDB emulator, runs every `*.test.ts` with node's test runner against them, and
 * stops them all, also on Ctrl-C. `npm test -- session` runs only the files whose path contains
 * "session".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sharedServersEnv, startSharedServers } from '@authscale/testkit';
import { preflight } from './preflight.ts';

const root = new URL('..', import.meta.url).pathname;
const searchRoots = ['services', 'infra', 'bin', 'load-tests', 'scripts', 'test'];
const filters = process.argv.slice(2);

const files = searchRoots
  .flatMap((dir) => {
    try {
      return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file));
    } catch {
      return [];
    }
  })
  .filter((file) => file.endsWith('.test.ts') && !file.includes('node_modules'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

preflight(['redis-server', 'postgresql', 'chromium', 'openssl']);

const started = Date.now();
const { servers, stop } = await startSharedServers();
console.log(
  `test servers up in ${Date.now() - started} ms: postgres :${servers.postgres.port}, redis :${servers.redis.port}, ` +
    `redis cluster :${servers.redisCluster.nodes.map((node) => node.port).join(',')}, dynamodb ${servers.dynamodb.endpoint}`,
);

const skippedList = join(mkdtempSync(join(tmpdir(), 'authscale-test-')), 'skipped.txt');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    // A test that hangs fails after 10 minutes. No --test-force-exit: with concurrency it drops the
    // verdicts of tests that ran (nodejs/node#64833), so every file must close what it opens.
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('./test-runner/skipped-tests-reporter.ts', import.meta.url).pathname}`,
    `--test-reporter-destination=${skippedList}`,
    ...files.map((file) => relative(root, join(root, file))),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      [sharedServersEnv]: JSON.stringify(servers),
    },
  },
);

// A file that leaks a handle never exits, so the run would never end: fail it instead.
const runDeadlineMs = 30 * 60_000;
const deadline = setTimeout(() => {
  console.error(
    `\nthe tests did not finish in ${runDeadlineMs / 60_000} minutes: a test file that leaves a socket, ` +
      'a timer or a child process open keeps running after its tests are done',
  );
  child.kill('SIGTERM');
  void finish(1);
}, runDeadlineMs);
deadline.unref();

let stopping = false;
async function finish(code: number) {
  if (stopping) return;
  stopping = true;
  await stop();
  process.exit(code === 0 ? refuseSkippedTests() : code);
}

/** A skipped or todo test fails the run (docs/architecture.md): it would pass without proving anything. */
function refuseSkippedTests(): number {
  let skipped = '';
  try {
    skipped = readFileSync(skippedList, 'utf8');
  } catch {}
  rmSync(join(skippedList, '..'), { recursive: true, force: true });
  if (skipped === '') return 0;
  console.error(`\nthese tests were skipped or left as todo, which fails the run:\n${skipped}`);
  return 1;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
    void finish(130);
  });
}
child.on('exit', (code, signal) => void finish(code ?? (signal ? 1 : 0)));
