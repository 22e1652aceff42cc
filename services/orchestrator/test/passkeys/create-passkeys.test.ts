import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AuthError } from '@authscale/core';
import { createPasskeys, type Passkeys } from '../../src/passkeys/create-passkeys.ts';
import { createTestStores } from '../mfa/test-stores.ts';
import { createSoftwareAuthenticator } from './software-authenticator.ts';

const origin = 'https://auth.example.test';
const rpId = 'auth.example.test';

function rejectsWith(promise: Promise<unknown>, code: string) {
  return assert.rejects(promise, (error: unknown) => error instanceof AuthError && error.code === code);
}

describe('createPasskeys', () => {
  let stores: Awaited<ReturnType<typeof createTestStores>>;
  let passkeys: Passkeys;

  before(async () => {
    stores = await createTestStores();
    passkeys = createPasskeys({
      store: stores.passkeys,
      flows: stores.flows,
      rpId,
      rpName: 'authscale',
      origins: [origin],
    });
  });
  after(() => stores.close());

  async function registered() {
    const userId = await stores.newUser();
    const authenticator = createSoftwareAuthenticator({ origin, rpId });
    const { flowId, options } = await passkeys.registrationOptions({ userId, userName: `${userId}@example.test` });
    await passkeys.verifyRegistration({ userId, flowId, response: authenticator.register(options) });
    return { userId, authenticator };
  }

  it('registers a passkey with user verification required and signs in without a username', async () => {
    const userId = await stores.newUser();
    const authenticator = createSoftwareAuthenticator({ origin, rpId });
    const { flowId, options } = await passkeys.registrationOptions({ userId, userName: 'a@example.test' });
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.authenticatorSelection?.residentKey, 'required');
    assert.equal(options.rp.id, rpId);
    const { credentialId } = await passkeys.verifyRegistration({
      userId,
      flowId,
      response: authenticator.register(options),
    });
    assert.equal(credentialId, authenticator.credentialId);

    const login = await passkeys.authenticationOptions();
    assert.equal(login.options.allowCredentials, undefined);
    assert.equal(login.options.userVerification, 'required');
    const result = await passkeys.verifyAuthentication({
      flowId: login.flowId,
      response: authenticator.authenticate(login.options),
    });
    assert.deepEqual(result, { userId, method: 'hwk' });
    assert.equal((await stores.passkeys.find({ credentialId }))?.signCount, 1);
  });

  it('lists existing passkeys in excludeCredentials', async () => {
    const { userId, authenticator } = await registered();
    const { options } = await passkeys.registrationOptions({ userId, userName: 'a@example.test' });
    assert.deepEqual(
      options.excludeCredentials?.map(({ id }) => id),
      [authenticator.credentialId],
    );
  });

  it('refuses a replayed registration challenge and stores nothing', async () => {
    const userId = await stores.newUser();
    const authenticator = createSoftwareAuthenticator({ origin, rpId });
    const { flowId, options } = await passkeys.registrationOptions({ userId, userName: 'a@example.test' });
    const response = authenticator.register(options, { rpId: 'evil.example.test' });
    await rejectsWith(passkeys.verifyRegistration({ userId, flowId, response }), 'invalid_credentials');
    // The failed attempt spent the challenge: a corrected response cannot reuse it.
    await rejectsWith(
      passkeys.verifyRegistration({ userId, flowId, response: authenticator.register(options) }),
      'invalid_credentials',
    );
    assert.deepEqual(await stores.passkeys.listForUser({ userId }), []);
  });

  it('refuses registration for another user than the one the challenge was issued to', async () => {
    const userId = await stores.newUser();
    const authenticator = createSoftwareAuthenticator({ origin, rpId });
    const { flowId, options } = await passkeys.registrationOptions({ userId, userName: 'a@example.test' });
    await rejectsWith(
      passkeys.verifyRegistration({ userId: randomUUID(), flowId, response: authenticator.register(options) }),
      'invalid_credentials',
    );
  });

  for (const [name, overrides] of [
    ['a wrong origin', { origin: 'https://evil.example.test' }],
    ['a wrong RP ID', { rpId: 'evil.example.test' }],
    ['no user verification', { userVerified: false }],
  ] as const) {
    it(`refuses a registration with ${name}`, async () => {
      const userId = await stores.newUser();
      const authenticator = createSoftwareAuthenticator({ origin, rpId });
      const { flowId, options } = await passkeys.registrationOptions({ userId, userName: 'a@example.test' });
      await rejectsWith(
        passkeys.verifyRegistration({ userId, flowId, response: authenticator.register(options, overrides) }),
        'invalid_credentials',
      );
      assert.deepEqual(await stores.passkeys.listForUser({ userId }), []);
    });

    it(`refuses an assertion with ${name} and leaves the counter alone`, async () => {
      const { authenticator } = await registered();
      const login = await passkeys.authenticationOptions();
      await rejectsWith(
        passkeys.verifyAuthentication({
          flowId: login.flowId,
          response: authenticator.authenticate(login.options, overrides),
        }),
        'invalid_credentials',
      );
      assert.equal((await stores.passkeys.find({ credentialId: authenticator.credentialId }))?.signCount, 0);
    });
  }

  it('refuses a replayed assertion, with its own challenge or a new one', async () => {
    const { authenticator } = await registered();
    const login = await passkeys.authenticationOptions();
    const response = authenticator.authenticate(login.options);
    await passkeys.verifyAuthentication({ flowId: login.flowId, response });
    await rejectsWith(passkeys.verifyAuthentication({ flowId: login.flowId, response }), 'invalid_credentials');
    const next = await passkeys.authenticationOptions();
    await rejectsWith(passkeys.verifyAuthentication({ flowId: next.flowId, response }), 'invalid_credentials');
  });

  it('refuses a counter that went backwards (a cloned authenticator)', async () => {
    const { authenticator } = await registered();
    for (let i = 0; i < 2; i++) {
      const login = await passkeys.authenticationOptions();
      await passkeys.verifyAuthentication({
        flowId: login.flowId,
        response: authenticator.authenticate(login.options),
      });
    }
    const login = await passkeys.authenticationOptions();
    await rejectsWith(
      passkeys.verifyAuthentication({
        flowId: login.flowId,
        response: authenticator.authenticate(login.options, { signCount: 1 }),
      }),
      'invalid_credentials',
    );
  });

  it('refuses an assertion whose user handle names another user', async () => {
    const { authenticator } = await registered();
    const login = await passkeys.authenticationOptions();
    const userHandle = Buffer.from(randomUUID()).toString('base64url');
    await rejectsWith(
      passkeys.verifyAuthentication({
        flowId: login.flowId,
        response: authenticator.authenticate(login.options, { userHandle }),
      }),
      'invalid_credentials',
    );
  });

  it('refuses a sign-in assertion without a user handle (WebAuthn L3 section 7.2 step 6)', async () => {
    const { authenticator } = await registered();
    const login = await passkeys.authenticationOptions();
    await rejectsWith(
      passkeys.verifyAuthentication({
        flowId: login.flowId,
        response: authenticator.authenticate(login.options, { userHandle: '' }),
      }),
      'invalid_credentials',
    );
  });

  it('refuses an unknown credential', async () => {
    const stranger = createSoftwareAuthenticator({ origin, rpId });
    const login = await passkeys.authenticationOptions();
    await rejectsWith(
      passkeys.verifyAuthentication({ flowId: login.flowId, response: stranger.authenticate(login.options) }),
      'invalid_credentials',
    );
  });
});
