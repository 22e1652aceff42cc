import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installPlan, missingSystemPackages } from '../src/system-packages.ts';

describe('system packages', () => {
  it('finds every package the test run needs installed (npm test installed what was missing)', () => {
    assert.deepEqual(missingSystemPackages(['redis-server', 'postgresql', 'chromium', 'openssl']), []);
  });

  it('runs apt-get itself as root, through sudo -n when allowed, and otherwise only names the command', () => {
    const asRoot = installPlan(['redis-server', 'chromium'], { aptGet: true, root: true, passwordlessSudo: false });
    assert.deepEqual(asRoot.run, [
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
      [
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '-qq',
        '--no-install-recommends',
        'redis-server',
        'chromium',
      ],
    ]);
    const withSudo = installPlan(['openssl'], { aptGet: true, root: false, passwordlessSudo: true });
    assert.deepEqual(
      withSudo.run.map((argv) => argv.slice(0, 3)),
      [
        ['sudo', '-n', 'env'],
        ['sudo', '-n', 'env'],
      ],
    );
    for (const installer of [
      { aptGet: true, root: false, passwordlessSudo: false },
      { aptGet: false, root: true, passwordlessSudo: false },
    ]) {
      const plan = installPlan(['postgresql'], installer);
      assert.deepEqual(plan.run, []);
      assert.equal(plan.command, 'sudo apt-get install -y --no-install-recommends postgresql');
    }
  });
});
