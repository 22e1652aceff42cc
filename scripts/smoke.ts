/**
 * `npm run smoke`: the k6 smoke test (load-tests/smoke.js) against the full local topology, its
 * services started as their image starts them (`STACK_RUNTIME=image`). k6 is built once from the
 * Go module proxy, at the version below, and kept outside the checkout.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '@authscale/testkit';
import { toolCache } from './tool-cache.ts';

const k6Version = 'v1.8.1';
const k6 = join(toolCache('k6', k6Version), 'k6');
if (!existsSync(k6)) {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.error('Go is needed to build k6 once (https://go.dev/doc/install).');
    process.exit(1);
  }
  console.log(`building k6 ${k6Version}`);
  execFileSync('go', ['install', `go.k6.io/k6@${k6Version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: dirname(k6) },
  });
}

const port = await freePort();
const stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts'], {
  env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', STACK_RUNTIME: 'image' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = once(stack, 'exit');
let output = '';
await new Promise<void>((resolve, reject) => {
  stack.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes('authscale stack ready')) resolve();
  });
  void exited.then(([code]) => reject(new Error(`the stack exited with ${code} before it was ready:\n${output}`)));
});

const k6Run = spawnSync(
  k6,
  [
    'run',
    '--quiet',
    '-e',
    `BASE_URL=http://localhost:${port}`,
    '-e',
    'SUMMARY_JSON=.authscale/k6-smoke.json',
    'load-tests/smoke.js',
  ],
  { stdio: 'inherit' },
);
stack.kill('SIGINT');
await exited;
process.exit(k6Run.status ?? 1);
