import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { accountSuite } from '../fixtures/account-suite.ts';

/** Step-up with a passkey through the real orchestrator, session replica and database. */
describe('passkey step-up', () => {
  const suite = accountSuite();

  const sessionId = () => `s-${randomBytes(4).toString('hex')}`;

  async function stepUp(headers: Record<string, string>, answer: (options: never) => unknown) {
    const options = await suite.helpers.call('POST', '/auth/step-up/passkey/options', headers);
    assert.equal(options.statusCode, 200);
    const { flowId, options: requestOptions } = options.json();
    return {
      flowId,
      requestOptions,
      verified: await suite.helpers.call('POST', '/auth/step-up/passkey/verify', headers, {
        flowId,
        response: answer(requestOptions as never),
      }),
    };
  }

  it('a stale session elevates with its own passkey; the elevation is per session and single-use per challenge', async () => {
    const { userId } = await suite.helpers.signUp();
    const authenticator = await suite.helpers.registerPasskey(userId);
    const sid = sessionId();
    const stale = await suite.helpers.stale(userId, sid);
    const refused = await suite.helpers.call('GET', '/auth/passkeys', stale);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'step_up_required');

    const { flowId, requestOptions, verified } = await stepUp(stale, (options) => authenticator.authenticate(options));
    assert.equal(verified.statusCode, 200);
    assert.equal(verified.json().elevatedForSeconds, suite.harness.config.STEP_UP_TTL_SECONDS);
    assert.deepEqual(
      requestOptions.allowCredentials.map(({ id }: { id: string }) => id),
      [authenticator.credentialId],
    );
    assert.equal(requestOptions.userVerification, 'required');
    assert.equal((await suite.helpers.call('GET', '/auth/passkeys', stale)).statusCode, 200);

    // The elevation belongs to the session that stepped up, not to the user.
    assert.equal(
      (await suite.helpers.call('GET', '/auth/passkeys', await suite.helpers.stale(userId))).statusCode,
      403,
    );

    const replayed = await suite.helpers.call(
      'POST',
      '/auth/step-up/passkey/verify',
      await suite.helpers.stale(userId, sid),
      {
        flowId,
        response: authenticator.authenticate(requestOptions),
      },
    );
    assert.equal(replayed.statusCode, 401);
  });

  it('an elevation ends on its own timer: once it has expired, the route asks for step-up again', async () => {
    const { userId } = await suite.helpers.signUp();
    const authenticator = await suite.helpers.registerPasskey(userId);
    const sid = sessionId();
    const stale = await suite.helpers.stale(userId, sid);
    const { verified } = await stepUp(stale, (options) => authenticator.authenticate(options));
    assert.equal(verified.statusCode, 200);
    assert.equal((await suite.helpers.call('GET', '/auth/passkeys', stale)).statusCode, 200);

    // Moves the elevation's own clock past its end: the step-up TTL, not the session, decides.
    const { rowCount } = await suite.admin.query(
      `UPDATE auth_flows SET expires_at = now() - interval '1 second'
       WHERE kind = 'elevation' AND payload->>'userId' = $1`,
      [userId],
    );
    assert.equal(rowCount, 1);
    const expired = await suite.helpers.call('GET', '/auth/passkeys', await suite.helpers.stale(userId, sid));
    assert.equal(expired.statusCode, 403);
    assert.equal(expired.json().error.code, 'step_up_required');
  });

  it('refuses another user’s passkey, another session’s challenge, a sign-in challenge and a missing UV flag', async () => {
    const victim = await suite.helpers.signUp();
    const victimKey = await suite.helpers.registerPasskey(victim.userId);
    const attacker = await suite.helpers.signUp();
    const attackerKey = await suite.helpers.registerPasskey(attacker.userId);
    const sid = sessionId();
    const stale = await suite.helpers.stale(attacker.userId, sid);

    // The victim's authenticator answers the attacker's challenge: the credential is not theirs.
    const foreign = await stepUp(stale, (options) => victimKey.authenticate(options));
    assert.equal(foreign.verified.statusCode, 401);

    // A challenge issued to one session cannot elevate another.
    const options = (await suite.helpers.call('POST', '/auth/step-up/passkey/options', stale)).json();
    const elsewhere = await suite.helpers.call(
      'POST',
      '/auth/step-up/passkey/verify',
      await suite.helpers.stale(attacker.userId),
      {
        flowId: options.flowId,
        response: attackerKey.authenticate(options.options),
      },
    );
    assert.equal(elsewhere.statusCode, 401);

    // A sign-in challenge is a different kind of flow.
    const signIn = (await suite.helpers.call('POST', '/auth/passkeys/login/options')).json();
    const crossed = await suite.helpers.call('POST', '/auth/step-up/passkey/verify', stale, {
      flowId: signIn.flowId,
      response: attackerKey.authenticate(signIn.options),
    });
    assert.equal(crossed.statusCode, 401);

    const noUv = await stepUp(stale, (options) => attackerKey.authenticate(options, { userVerified: false }));
    assert.equal(noUv.verified.statusCode, 401);

    assert.equal((await suite.helpers.call('GET', '/auth/passkeys', stale)).statusCode, 403);
  });

  it('needs a passkey to step up with, and a signed-in caller', async () => {
    const { userId } = await suite.helpers.signUp();
    const none = await suite.helpers.call('POST', '/auth/step-up/passkey/options', await suite.helpers.stale(userId));
    assert.equal(none.statusCode, 409);
    assert.equal((await suite.helpers.call('POST', '/auth/step-up/passkey/options')).statusCode, 401);
  });
});
