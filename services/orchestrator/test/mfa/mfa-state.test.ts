import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assuranceLevel } from '../../src/mfa/assurance-level.ts';
import { createElevation } from '../../src/mfa/create-elevation.ts';
import { createMfaChallenges } from '../../src/mfa/create-mfa-challenges.ts';
import { createTestStores } from './test-stores.ts';

describe('assuranceLevel', () => {
  it('is aal2 for a passkey or a password with a code, aal1 otherwise', () => {
    assert.equal(assuranceLevel(['hwk']), 'aal2');
    assert.equal(assuranceLevel(['swk']), 'aal2');
    assert.equal(assuranceLevel(['pwd', 'otp']), 'aal2');
    assert.equal(assuranceLevel(['pwd']), 'aal1');
    assert.equal(assuranceLevel(['otp']), 'aal1');
    assert.equal(assuranceLevel(['fed']), 'aal1');
  });
});

describe('MFA challenges and elevation', () => {
  let stores: Awaited<ReturnType<typeof createTestStores>>;
  before(async () => {
    stores = await createTestStores();
  });
  after(() => stores.close());

  it('an mfaToken survives a peek, is spent once, and is bound to its user and tenant', async () => {
    const challenges = createMfaChallenges({ flows: stores.flows });
    const userId = randomUUID();
    const tenantId = randomUUID();
    const mfaToken = await challenges.issue({ userId, tenantId, firstFactor: 'pwd' });
    assert.ok(mfaToken.length >= 43);
    assert.equal((await challenges.peek(mfaToken))?.userId, userId);
    const spent = await challenges.spend(mfaToken);
    assert.deepEqual(
      { userId: spent?.userId, tenantId: spent?.tenantId, firstFactor: spent?.firstFactor },
      { userId, tenantId, firstFactor: 'pwd' },
    );
    assert.equal(await challenges.spend(mfaToken), null);
    assert.equal(await challenges.peek(mfaToken), null);
    assert.equal(await challenges.peek('forged'), null);
  });

  it('an mfaToken expires on its own', async () => {
    const challenges = createMfaChallenges({ flows: stores.flows, ttlSeconds: 1 });
    const mfaToken = await challenges.issue({ userId: randomUUID(), tenantId: randomUUID(), firstFactor: 'fed' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await challenges.spend(mfaToken), null);
  });

  it('elevation belongs to one session and user, and lapses on its own timer', async () => {
    const elevation = createElevation({ flows: stores.flows, ttlSeconds: 1 });
    const sessionId = randomUUID();
    const userId = randomUUID();
    assert.equal(await elevation.isElevated({ sessionId, userId }), false);
    await elevation.grant({ sessionId, userId });
    assert.equal(await elevation.isElevated({ sessionId, userId }), true);
    assert.equal(await elevation.isElevated({ sessionId, userId: randomUUID() }), false);
    assert.equal(await elevation.isElevated({ sessionId: randomUUID(), userId }), false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await elevation.isElevated({ sessionId, userId }), false);
  });
});
