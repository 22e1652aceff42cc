/**
 * `npm run smoke`: the k6 smoke test (load-tests/smoke.js) against the full local topology, its
 * services started as their image starts them (`STACK_RUNTIME=image`).
 */
import { spawnSync } from 'node:child_process';
import { ensureK6 } from './k6/ensure-k6.ts';
import { spawnStack } from './stack/spawn-stack.ts';

const k6 = ensureK6();
const stack = await spawnStack({ env: { STACK_RUNTIME: 'image' } });
const k6Run = spawnSync(
  k6,
  [
    'run',
    '--quiet',
    '-e',
    `BASE_URL=${stack.edgeUrl}`,
    '-e',
    'SUMMARY_JSON=.authscale/k6-smoke.json',
    'load-tests/smoke.js',
  ],
  { stdio: 'inherit' },
);
await stack.stop();
process.exit(k6Run.status ?? 1);
