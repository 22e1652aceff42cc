import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from 'otplib';
import { accountSuite } from '../fixtures/account-suite.ts';

/** Account management behind step-up, through the real orchestrator, session replica and database. */
describe('account routes', () => {
  const suite = accountSuite();

  const auditTypes = async (userId: string) =>
    (
      await suite.admin.query<{ type: string }>('SELECT type FROM audit_events WHERE user_id = $1 ORDER BY id', [
        userId,
      ])
    ).rows.map(({ type }) => type);

  it('every account route answers 403 step_up_required without a recent authentication', async () => {
    const { userId } = await suite.helpers.signUp();
    const stale = await suite.helpers.stale(userId);
    for (const [method, url, payload] of [
      ['GET', '/auth/passkeys', undefined],
      ['DELETE', '/auth/passkeys/AAAA', undefined],
      ['DELETE', '/auth/totp', undefined],
      ['POST', '/auth/totp/recovery-codes', undefined],
      ['PUT', '/auth/password', { currentPassword: 'whatever it is', newPassword: 'a brand new passphrase' }],
      ['PUT', '/auth/email', { email: 'new@example.test' }],
    ] as const) {
      const response = await suite.helpers.call(method, url, stale, payload);
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.equal(response.json().error.code, 'step_up_required', `${method} ${url}`);
    }
  });

  it('lists own passkeys without public keys; deleting one makes it unusable for sign-in', async () => {
    const { userId } = await suite.helpers.signUp();
    const authenticator = await suite.helpers.registerPasskey(userId);
    assert.equal((await suite.helpers.signInWithPasskey(authenticator)).statusCode, 200);
    const headers = await suite.helpers.fresh(userId);

    const listed = await suite.helpers.call('GET', '/auth/passkeys', headers);
    assert.equal(listed.statusCode, 200);
    const [passkey, ...rest] = listed.json().passkeys;
    assert.deepEqual(rest, []);
    assert.deepEqual(Object.keys(passkey).sort(), ['createdAt', 'id', 'lastUsedAt', 'transports']);
    assert.equal(passkey.id, authenticator.credentialId);
    assert.ok(Date.parse(passkey.createdAt) <= Date.parse(passkey.lastUsedAt));

    const other = await suite.helpers.signUp();
    const notTheirs = await suite.helpers.call(
      'DELETE',
      `/auth/passkeys/${passkey.id}`,
      await suite.helpers.fresh(other.userId),
    );
    assert.equal(notTheirs.statusCode, 404);

    const deleted = await suite.helpers.call('DELETE', `/auth/passkeys/${passkey.id}`, headers);
    assert.equal(deleted.statusCode, 204);
    assert.deepEqual((await suite.helpers.call('GET', '/auth/passkeys', headers)).json().passkeys, []);
    const signIn = await suite.helpers.signInWithPasskey(authenticator);
    assert.equal(signIn.statusCode, 401);
    assert.equal((await suite.helpers.call('DELETE', `/auth/passkeys/${passkey.id}`, headers)).statusCode, 404);
    assert.ok((await auditTypes(userId)).includes('mfa.removed'));
  });

  it('replaces the recovery codes: the old ones stop working, the new ones work once', async () => {
    const { email, password, userId } = await suite.helpers.signUp();
    const { recoveryCodes: old } = await suite.helpers.enrolTotp(userId);
    const replaced = await suite.helpers.call('POST', '/auth/totp/recovery-codes', await suite.helpers.fresh(userId));
    assert.equal(replaced.statusCode, 200);
    assert.equal(replaced.headers['cache-control'], 'no-store');
    const { recoveryCodes } = replaced.json() as { recoveryCodes: string[] };
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set([...old, ...recoveryCodes]).size, 20);

    const complete = async (code: string) =>
      suite.helpers.call(
        'POST',
        '/auth/mfa/totp',
        {},
        { mfaToken: (await suite.helpers.login(email, password)).json().mfaToken, code },
      );
    assert.equal((await complete(old[0] as string)).statusCode, 401);
    assert.equal((await complete(recoveryCodes[0] as string)).statusCode, 200);
    assert.ok((await auditTypes(userId)).includes('mfa.recovery_codes_replaced'));

    const none = await suite.helpers.signUp();
    const conflict = await suite.helpers.call(
      'POST',
      '/auth/totp/recovery-codes',
      await suite.helpers.fresh(none.userId),
    );
    assert.equal(conflict.statusCode, 409);
  });

  it('disabling TOTP deletes the secret and the recovery codes; login no longer asks for MFA', async () => {
    const { email, password, userId } = await suite.helpers.signUp();
    const { secret } = await suite.helpers.enrolTotp(userId);
    assert.equal((await suite.helpers.login(email, password)).json().mfaRequired, true);

    const disabled = await suite.helpers.call('DELETE', '/auth/totp', await suite.helpers.fresh(userId));
    assert.equal(disabled.statusCode, 204);
    const rows = await suite.admin.query(
      `SELECT (SELECT count(*) FROM totp_credentials WHERE user_id = $1)::int AS factors,
              (SELECT count(*) FROM recovery_codes WHERE user_id = $1)::int AS codes`,
      [userId],
    );
    assert.deepEqual(rows.rows[0], { factors: 0, codes: 0 });

    const login = await suite.helpers.login(email, password);
    assert.equal(login.statusCode, 200);
    assert.equal(login.json().mfaRequired, undefined);
    assert.equal(typeof login.json().accessToken, 'string');
    const stepUp = await suite.helpers.call('POST', '/auth/step-up/totp', await suite.helpers.stale(userId), {
      code: await generate({ secret, epoch: suite.helpers.now() + 30 }),
    });
    assert.equal(stepUp.statusCode, 401);
    assert.equal((await suite.helpers.call('DELETE', '/auth/totp', await suite.helpers.fresh(userId))).statusCode, 404);
    assert.ok((await auditTypes(userId)).includes('mfa.removed'));
  });

  it('changing the password checks the current one, applies the signup rules and revokes the other sessions', async () => {
    const { email, password, userId } = await suite.helpers.signUp();
    const current = (await suite.helpers.login(email, password)).json() as { sessionId: string; refreshToken: string };
    const other = (await suite.helpers.login(email, password)).json() as { sessionId: string; refreshToken: string };
    const headers = await suite.helpers.fresh(userId, current.sessionId);
    const change = (body: { currentPassword: string; newPassword: string }) =>
      suite.helpers.call('PUT', '/auth/password', headers, body);
    const newPassword = 'an entirely different passphrase';

    const wrong = await change({ currentPassword: 'not the password at all', newPassword });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'invalid_credentials');
    for (const weak of ['short', 'password123', 'x'.repeat(129)]) {
      const refused = await change({ currentPassword: password, newPassword: weak });
      assert.equal(refused.statusCode, 400, weak);
      assert.equal(refused.json().error.code, 'weak_password');
    }
    assert.equal((await suite.helpers.login(email, password)).statusCode, 200);

    const changed = await change({ currentPassword: password, newPassword });
    assert.equal(changed.statusCode, 200);
    // `other`, and the sign-in that showed the refused changes left the old password in place.
    assert.equal(changed.json().otherSessionsRevoked, 2);

    const { rows } = await suite.admin.query<{ hash: string }>(
      'SELECT hash FROM password_credentials WHERE user_id = $1',
      [userId],
    );
    assert.match(rows[0]?.hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = (await suite.helpers.call('GET', '/auth/sessions', headers)).json().sessions as { id: string }[];
    assert.deepEqual(
      sessions.map(({ id }) => id),
      [current.sessionId],
    );
    const refreshOther = await suite.helpers.call(
      'POST',
      '/auth/token/refresh',
      {},
      { refreshToken: other.refreshToken },
    );
    assert.equal(refreshOther.statusCode, 401);
    const refreshCurrent = await suite.helpers.call(
      'POST',
      '/auth/token/refresh',
      {},
      { refreshToken: current.refreshToken },
    );
    assert.equal(refreshCurrent.statusCode, 200);

    assert.equal((await suite.helpers.login(email, password)).statusCode, 401);
    assert.equal((await suite.helpers.login(email, newPassword)).statusCode, 200);
    const types = await auditTypes(userId);
    assert.ok(types.includes('password.change_failed') && types.includes('password.changed'));
  });
});
