import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AuthError } from '@authscale/core';
import { generate } from 'otplib';
import { createSecretBox } from '../../src/totp/create-secret-box.ts';
import { createTotp, type Totp } from '../../src/totp/create-totp.ts';
import { createTestStores } from '../mfa/test-stores.ts';

function rejectsWith(promise: Promise<unknown>, code: string) {
  return assert.rejects(promise, (error: unknown) => error instanceof AuthError && error.code === code);
}

describe('createTotp', () => {
  let stores: Awaited<ReturnType<typeof createTestStores>>;
  let totp: Totp;
  let clock = 1_800_000_000;
  const secretBox = createSecretBox({ keys: { k1: randomBytes(32) }, currentKeyId: 'k1' });
  const codeFor = (secret: string, epoch = clock) => generate({ secret, epoch });
  const nextStep = () => {
    clock += 30;
  };

  before(async () => {
    stores = await createTestStores();
    totp = createTotp({ store: stores.totp, secretBox, issuer: 'authscale', lockoutSeconds: 1, now: () => clock });
  });
  after(() => stores.close());

  async function enrolled() {
    const userId = await stores.newUser();
    const { secret } = await totp.enroll({ userId, accountName: 'a@example.test' });
    const { recoveryCodes } = await totp.activate({ userId, code: await codeFor(secret) });
    nextStep();
    return { userId, secret, recoveryCodes };
  }

  it('enrols with a 160-bit secret that is stored sealed, active only after a valid code', async () => {
    const userId = await stores.newUser();
    const { secret, otpauthUrl } = await totp.enroll({ userId, accountName: 'a@example.test' });
    assert.equal(Buffer.from(secret.replace(/=+$/, ''), 'utf8').length, 32);
    assert.match(otpauthUrl, /^otpauth:\/\/totp\/authscale:a%40example\.test\?/);
    const stored = await stores.totp.find({ userId });
    assert.ok(stored?.pendingSecretCiphertext && !stored.pendingSecretCiphertext.includes(secret));
    assert.equal(await totp.isEnrolled({ userId }), false);

    await rejectsWith(totp.activate({ userId, code: '000000' }), 'invalid_credentials');
    assert.equal(await totp.isEnrolled({ userId }), false);

    const { recoveryCodes } = await totp.activate({ userId, code: await codeFor(secret) });
    assert.equal(recoveryCodes.length, 10);
    assert.equal(await totp.isEnrolled({ userId }), true);
  });

  it('accepts each code once: a replay in the same step, or an older step, is refused', async () => {
    const { userId, secret } = await enrolled();
    const code = await codeFor(secret);
    assert.equal(await totp.verify({ userId, code }), 'totp');
    await rejectsWith(totp.verify({ userId, code }), 'invalid_credentials');
    await rejectsWith(totp.verify({ userId, code: await codeFor(secret, clock - 30) }), 'invalid_credentials');
    nextStep();
    assert.equal(await totp.verify({ userId, code: await codeFor(secret) }), 'totp');
  });

  it('accepts a recovery code once', async () => {
    const { userId, recoveryCodes } = await enrolled();
    const [first, second] = recoveryCodes as [string, string];
    assert.equal(await totp.verify({ userId, code: first }), 'recovery_code');
    await rejectsWith(totp.verify({ userId, code: first }), 'invalid_credentials');
    assert.equal(await totp.verify({ userId, code: second.toLowerCase().replaceAll('-', '') }), 'recovery_code');
  });

  it('locks after 5 wrong codes, refusing even a correct one until the lock lapses', async () => {
    const { userId, secret } = await enrolled();
    for (let attempt = 1; attempt <= 4; attempt++) {
      await rejectsWith(totp.verify({ userId, code: '000000' }), 'invalid_credentials');
    }
    await rejectsWith(totp.verify({ userId, code: '000000' }), 'rate_limited');
    // The refusal says how long to wait at most (its Retry-After): the whole lockout.
    await assert.rejects(
      totp.verify({ userId, code: await codeFor(secret) }),
      (error: unknown) => error instanceof AuthError && error.code === 'rate_limited' && error.retryAfterSeconds === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await totp.verify({ userId, code: await codeFor(secret) }), 'totp');
  });

  it('re-enrolling keeps the old secret until the new one is confirmed, then kills it and its recovery codes', async () => {
    const { userId, secret: oldSecret, recoveryCodes: oldCodes } = await enrolled();
    const { secret: newSecret } = await totp.enroll({ userId, accountName: 'a@example.test' });
    assert.equal(await totp.verify({ userId, code: await codeFor(oldSecret) }), 'totp');
    nextStep();
    await totp.activate({ userId, code: await codeFor(newSecret) });
    nextStep();
    await rejectsWith(totp.verify({ userId, code: await codeFor(oldSecret) }), 'invalid_credentials');
    await rejectsWith(totp.verify({ userId, code: oldCodes[0] as string }), 'invalid_credentials');
    assert.equal(await totp.verify({ userId, code: await codeFor(newSecret) }), 'totp');
  });

  it('refuses activation without an enrolment, and verification without a factor', async () => {
    const userId = await stores.newUser();
    await rejectsWith(totp.activate({ userId, code: '123456' }), 'conflict');
    await rejectsWith(totp.verify({ userId, code: '123456' }), 'invalid_credentials');
  });
});
