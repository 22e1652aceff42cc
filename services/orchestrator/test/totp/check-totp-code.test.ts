import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate, generateSecret } from 'otplib';
import { checkTotpCode } from '../../src/totp/check-totp-code.ts';

const secret = generateSecret({ length: 20 });
const now = 1_800_000_015; // 15 s into time step 60_000_000
const step = 60_000_000;
const codeAt = (epoch: number) => generate({ secret, epoch });

describe('checkTotpCode', () => {
  it('accepts the current step and one step either side, and reports which', async () => {
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now), now }), step);
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now - 30), now }), step - 1);
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now + 30), now }), step + 1);
  });

  it('refuses codes two steps away', async () => {
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now - 60), now }), null);
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now + 60), now }), null);
  });

  it('refuses a step at or before the last accepted one (replay)', async () => {
    const code = await codeAt(now);
    assert.equal(await checkTotpCode({ secret, code, afterTimeStep: step, now }), null);
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now - 30), afterTimeStep: step - 1, now }), null);
    assert.equal(await checkTotpCode({ secret, code, afterTimeStep: step - 1, now }), step);
  });

  it('refuses malformed codes and a stored step from the future without throwing', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) {
      assert.equal(await checkTotpCode({ secret, code, now }), null);
    }
    assert.equal(await checkTotpCode({ secret, code: await codeAt(now), afterTimeStep: step + 5, now }), null);
  });
});
