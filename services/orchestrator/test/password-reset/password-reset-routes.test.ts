import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SinkMessage } from '@authscale/testkit';
import { accountSuite } from '../fixtures/account-suite.ts';
import { visibleAnswer } from '../fixtures/visible-answer.ts';

/** Password reset end to end: the real orchestrator, session replica, DynamoDB and SMTP server. */
describe('password reset', () => {
  const suite = accountSuite();

  const nthMail = (email: string, subject: string, nth = 1) =>
    suite.harness.mailSink.waitForMessage(({ to, subject: s }) => to.includes(email) && s === subject, { nth });
  const tokenOf = (message: SinkMessage) => {
    assert.equal(message.tokenLink?.origin, suite.harness.config.PUBLIC_ORIGIN);
    return message.token as string;
  };
  const requestReset = (email: string) => suite.helpers.call('POST', '/auth/password/reset/request', {}, { email });
  const reset = (token: string, password: string) =>
    suite.helpers.call('POST', '/auth/password/reset', {}, { token, password });

  it('mails a link whose token sets the password once, ends every session and refresh family, and sends a notice', async () => {
    const { email, password, userId } = await suite.helpers.signUp();
    const signedIn = (await suite.helpers.login(email, password)).json() as { refreshToken: string; sessionId: string };
    assert.ok(signedIn.refreshToken);
    assert.ok(await suite.harness.sessions.get(userId, signedIn.sessionId));

    const requested = await requestReset(email);
    assert.equal(requested.statusCode, 202);
    const token = tokenOf(await nthMail(email, 'Reset your password'));
    const newPassword = 'a different long passphrase';
    assert.equal((await reset(token, newPassword)).statusCode, 204);

    assert.equal(await suite.harness.sessions.get(userId, signedIn.sessionId), null, 'the session ended');
    const refresh = await suite.helpers.call(
      'POST',
      '/auth/token/refresh',
      {},
      { refreshToken: signedIn.refreshToken },
    );
    assert.equal(refresh.statusCode, 401, 'the refresh family ended');
    assert.equal((await suite.helpers.login(email, password)).statusCode, 401, 'the old password no longer works');
    assert.equal((await suite.helpers.login(email, newPassword)).statusCode, 200);

    const reused = await reset(token, 'yet another long passphrase');
    assert.equal(reused.statusCode, 404);
    assert.equal(reused.json().error.code, 'invalid_link');
    const notice = await nthMail(email, 'Your password was changed');
    assert.equal(notice.links.length, 0);
    const types = (
      await suite.admin.query<{ type: string }>('SELECT type FROM audit_events WHERE user_id = $1 ORDER BY id', [
        userId,
      ])
    ).rows.map(({ type }) => type);
    assert.deepEqual(
      types.filter((type) => type.startsWith('password.')),
      ['password.reset_requested', 'password.reset'],
    );
  });

  it('answers an unknown address exactly as a known one, and mails only the known one', async () => {
    const { email } = await suite.helpers.signUp();
    const unknown = `nobody-${Date.now()}@example.test`;
    const known = await requestReset(email);
    const stranger = await requestReset(unknown);
    assert.deepEqual(visibleAnswer(stranger), visibleAnswer(known));
    assert.equal(known.statusCode, 202);
    await nthMail(email, 'Reset your password');
    await suite.harness.mail.idle();
    await sleep(50);
    assert.equal(suite.harness.mailSink.messages().filter(({ to }) => to.includes(unknown)).length, 0);
  });

  it('a second request voids the first link; an expired link is refused', async () => {
    const { email, userId } = await suite.helpers.signUp();
    await requestReset(email);
    const first = tokenOf(await nthMail(email, 'Reset your password'));
    await requestReset(email);
    const second = tokenOf(await nthMail(email, 'Reset your password', 2));
    assert.equal((await reset(first, 'a first new passphrase')).statusCode, 404);

    await suite.admin.query(
      "UPDATE auth_flows SET expires_at = now() - interval '1 second' WHERE kind = 'password_reset' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal((await reset(second, 'a second new passphrase')).statusCode, 404);
  });

  it('checks the password policy before spending the token', async () => {
    const { email } = await suite.helpers.signUp();
    await requestReset(email);
    const token = tokenOf(await nthMail(email, 'Reset your password'));
    const weak = await reset(token, 'password');
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.code, 'weak_password');
    assert.equal((await reset(token, 'a strong enough passphrase')).statusCode, 204);
  });
});
