import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repositoryRoot = new URL('../..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'authscale-app-entry-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const emptyFile = join(scratch, 'empty.json');
writeFileSync(emptyFile, '{}');

/** Runs bin/app.ts as the CDK CLI does, which hands `-c` values to the app through CDK_CONTEXT_JSON. */
function runApp(context: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: repositoryRoot,
    // A deployment file of the developer's own at the repository root must not change the outcome.
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ 'authscale:deploymentFile': emptyFile, ...context }),
    },
    encoding: 'utf8',
  });
}

test('bin/app.ts answers a wrong environment with the problem and exit code 1, not a stack trace', () => {
  const result = runApp({ env: 'production' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /choose an environment with -c env=<dev\|staging\|prod> \(got "production"\)/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('bin/app.ts names each value the deploying team has not supplied, and how to supply it', () => {
  const result = runApp({ env: 'staging' });
  assert.equal(result.status, 1);
  for (const field of ['account', 'certificateArn', 'publicHostname']) {
    assert.match(result.stderr, new RegExp(`${field}: missing; pass -c authscale:${field}=`));
  }
  assert.match(result.stderr, /under "staging" in authscale\.local\.json/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('bin/app.ts reads the deployment file it is pointed at, and refuses the test values in it', () => {
  const file = join(scratch, 'targets.json');
  writeFileSync(
    file,
    JSON.stringify({
      dev: {
        account: '111122223333',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/6f0c2a4e-8d1b-4c3a-9e57-1b2d3c4e5f60',
        publicHostname: 'auth.dev.authscale.test',
      },
    }),
  );
  const result = runApp({ env: 'dev', 'authscale:deploymentFile': file });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /account: 111122223333 is a documented test value, not yours/);
  const absent = runApp({ env: 'dev', 'authscale:deploymentFile': join(scratch, 'absent.json') });
  assert.equal(absent.status, 1);
  assert.match(
    absent.stderr,
    /authscale:deploymentFile: invalid infrastructure configuration:\n {2}- .*absent\.json does not exist/,
  );
});
