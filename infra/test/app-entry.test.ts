import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const repositoryRoot = new URL('../..', import.meta.url).pathname;

test('bin/app.ts answers a wrong environment with the problem and exit code 1, not a stack trace', () => {
  // The CDK CLI hands `-c` values to the app through CDK_CONTEXT_JSON.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'production' }) },
    encoding: 'utf8',
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /choose an environment with -c env=<dev\|staging\|prod> \(got "production"\)/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});
