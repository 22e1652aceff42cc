import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import pg from 'pg';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

/** Account management behind step-up, through the real orchestrator, session replica and database. */
describe('account routes', () => {
  let harness: Harness;
  let admin: pg.Pool;
  let helpers: ReturnType<typeof accountHelpers>;
  before(async () => {
    harness = await startOrchestrator();
    admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
    helpers = accountHelpers(harness);
  });
  after(async () => {
    await admin.end();
    await harness.stop();
  });

  const auditTypes = async (userId: string) =>
    (
      await admin.query<{ type: string }>('SELECT type FROM audit_events WHERE user_id = $1 ORDER BY id', [userId])
    ).rows.map(({ type }) => type);

  it('every account route answers 403 step_up_required without a recent authentication', async () => {
    const { userId } = await helpers.signUp();
    const stale = await helpers.stale(userId);
    for (const [method, url, payload] of [
      ['GET', '/auth/passkeys', undefined],
      ['DELETE', '/auth/passkeys/AAAA', undefined],
      ['DELETE', '/auth/totp', undefined],
      ['POST', '/auth/totp/recovery-codes', undefined],
      ['PUT', '/auth/password', { currentPassword: 'whatever it is', newPassword: 'a brand new passphrase' }],
      ['PUT', '/auth/email', { email: 'new@example.test' }],
    ] as const) {
      const response = await helpers.call(method, url, stale, payload);
      assert.equal(response.statusCode, 403, `${method} ${url}`);
      assert.equal(response.json().error.code, 'step_up_required', `${method} ${url}`);
    }
  });

  it('lists own passkeys without public keys; deleting one makes it unusable for sign-in', async () => {
    const { userId } = await helpers.signUp();
    const authenticator = await helpers.registerPasskey(userId);
    assert.equal((await helpers.signInWithPasskey(authenticator)).statusCode, 200);
    const headers = await helpers.fresh(userId);

    const listed = await helpers.call('GET', '/auth/passkeys', headers);
    assert.equal(listed.statusCode, 200);
    const [passkey, ...rest] = listed.json().passkeys;
    assert.deepEqual(rest, []);
    assert.deepEqual(Object.keys(passkey).sort(), ['createdAt', 'id', 'lastUsedAt', 'transports']);
    assert.equal(passkey.id, authenticator.credentialId);
    assert.ok(Date.parse(passkey.createdAt) <= Date.parse(passkey.lastUsedAt));

    const other = await helpers.signUp();
    const notTheirs = await helpers.call('DELETE', `/auth/passkeys/${passkey.id}`, await helpers.fresh(other.userId));
    assert.equal(notTheirs.statusCode, 404);

    const deleted = await helpers.call('DELETE', `/auth/passkeys/${passkey.id}`, headers);
    assert.equal(deleted.statusCode, 204);
    assert.deepEqual((await helpers.call('GET', '/auth/passkeys', headers)).json().passkeys, []);
    const signIn = await helpers.signInWithPasskey(authenticator);
    assert.equal(signIn.statusCode, 401);
    assert.equal((await helpers.call('DELETE', `/auth/passkeys/${passkey.id}`, headers)).statusCode, 404);
    assert.ok((await auditTypes(userId)).includes('mfa.removed'));
  });

  it('replaces the recovery codes: the old ones stop working, the new ones work once', async () => {
    const { email, password, userId } = await helpers.signUp();
    const { recoveryCodes: old } = await helpers.enrolTotp(userId);
    const replaced = await helpers.call('POST', '/auth/totp/recovery-codes', await helpers.fresh(userId));
    assert.equal(replaced.statusCode, 200);
    assert.equal(replaced.headers['cache-control'], 'no-store');
    const { recoveryCodes } = replaced.json() as { recoveryCodes: string[] };
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set([...old, ...recoveryCodes]).size, 20);

    const complete = async (code: string) =>
      helpers.call(
        'POST',
        '/auth/mfa/totp',
        {},
        { mfaToken: (await helpers.login(email, password)).json().mfaToken, code },
      );
    assert.equal((await complete(old[0] as string)).statusCode, 401);
    assert.equal((await complete(recoveryCodes[0] as string)).statusCode, 200);
    assert.ok((await auditTypes(userId)).includes('mfa.recovery_codes_replaced'));

    const none = await helpers.signUp();
    const conflict = await helpers.call('POST', '/auth/totp/recovery-codes', await helpers.fresh(none.userId));
    assert.equal(conflict.statusCode, 409);
  });

  it('disabling TOTP deletes the secret and the recovery codes; login no longer asks for MFA', async () => {
    const { email, password, userId } = await helpers.signUp();
    const { secret } = await helpers.enrolTotp(userId);
    assert.equal((await helpers.login(email, password)).json().mfaRequired, true);

    const disabled = await helpers.call('DELETE', '/auth/totp', await helpers.fresh(userId));
    assert.equal(disabled.statusCode, 204);
    const rows = await admin.query(
      `SELECT (SELECT count(*) FROM totp_credentials WHERE user_id = $1)::int AS factors,
              (SELECT count(*) FROM recovery_codes WHERE user_id = $1)::int AS codes`,
      [userId],
    );
    assert.deepEqual(rows.rows[0], { factors: 0, codes: 0 });

    const login = await helpers.login(email, password);
    assert.equal(login.statusCode, 200);
    assert.equal(login.json().mfaRequired, undefined);
    assert.equal(typeof login.json().accessToken, 'string');
    const stepUp = await helpers.call('POST', '/auth/step-up/totp', await helpers.stale(userId), {
      code: await generate({ secret, epoch: helpers.now() + 30 }),
    });
    assert.equal(stepUp.statusCode, 401);
    assert.equal((await helpers.call('DELETE', '/auth/totp', await helpers.fresh(userId))).statusCode, 404);
    assert.ok((await auditTypes(userId)).includes('mfa.removed'));
  });

  it('changing the password checks the current one, applies the signup rules and revokes the other sessions', async () => {
    const { email, password, userId } = await helpers.signUp();
    const current = (await helpers.login(email, password)).json() as { sessionId: string; refreshToken: string };
    const other = (await helpers.login(email, password)).json() as { sessionId: string; refreshToken: string };
    const headers = await helpers.fresh(userId, current.sessionId);
    const change = (body: { currentPassword: string; newPassword: string }) =>
      helpers.call('PUT', '/auth/password', headers, body);
    const newPassword = 'an entirely different passphrase';

    const wrong = await change({ currentPassword: 'not the password at all', newPassword });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'invalid_credentials');
    for (const weak of ['short', 'password123', 'x'.repeat(129)]) {
      const refused = await change({ currentPassword: password, newPassword: weak });
      assert.equal(refused.statusCode, 400, weak);
      assert.equal(refused.json().error.code, 'weak_password');
    }
    assert.equal((await helpers.login(email, password)).statusCode, 200);

    const changed = await change({ currentPassword: password, newPassword });
    assert.equal(changed.statusCode, 200);
    // `other`, and the sign-in that showed the refused changes left the old password in place.
    assert.equal(changed.json().otherSessionsRevoked, 2);

    const { rows } = await admin.query<{ hash: string }>('SELECT hash FROM password_credentials WHERE user_id = $1', [
      userId,
    ]);
    assert.match(rows[0]?.hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessions = (await helpers.call('GET', '/auth/sessions', headers)).json().sessions as { id: string }[];
    assert.deepEqual(
      sessions.map(({ id }) => id),
      [current.sessionId],
    );
    const refreshOther = await helpers.call('POST', '/auth/token/refresh', {}, { refreshToken: other.refreshToken });
    assert.equal(refreshOther.statusCode, 401);
    const refreshCurrent = await helpers.call(
      'POST',
      '/auth/token/refresh',
      {},
      { refreshToken: current.refreshToken },
    );
    assert.equal(refreshCurrent.statusCode, 200);

    assert.equal((await helpers.login(email, password)).statusCode, 401);
    assert.equal((await helpers.login(email, newPassword)).statusCode, 200);
    const types = await auditTypes(userId);
    assert.ok(types.includes('password.change_failed') && types.includes('password.changed'));
  });
});
