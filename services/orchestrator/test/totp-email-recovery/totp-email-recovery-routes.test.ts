import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SinkMessage } from '@authscale/testkit';
import { accountSuite } from '../fixtures/account-suite.ts';
import { visibleAnswer } from '../fixtures/visible-answer.ts';

const waitSeconds = 2;
const subject = 'Removing two-step verification from your account';

/**
 * Removing a lost authenticator app through the verified address, end to end: the real
 * orchestrator and SMTP server, with the waiting period shortened to seconds by configuration.
 */
describe('TOTP removal by email, after a waiting period', () => {
  const suite = accountSuite({ env: { TOTP_EMAIL_RECOVERY_DELAY_SECONDS: String(waitSeconds) } });

  const post = (url: string, payload: object) => suite.helpers.call('POST', url, {}, payload);
  const requestRemoval = (email: string) => post('/auth/totp/email-recovery/request', { email });
  const confirm = (token: string) => post('/auth/totp/email-recovery/confirm', { token });
  const cancel = (token: string) => post('/auth/totp/email-recovery/cancel', { token });
  const mailsTo = (email: string, title: string) =>
    suite.harness.mailSink.messages().filter(({ to, subject: s }) => to.includes(email) && s === title);
  const nthMail = async (email: string, title: string, count = 1) => {
    await suite.harness.mailSink.waitForMessage(() => mailsTo(email, title).length >= count);
    return mailsTo(email, title)[count - 1] as SinkMessage;
  };
  const tokenOf = (message: SinkMessage) => {
    const link = message.links.find((url) => url.searchParams.has('token'));
    assert.ok(link);
    assert.equal(link.origin, suite.harness.config.PUBLIC_ORIGIN);
    assert.equal(link.pathname, '/recover-totp');
    return link.searchParams.get('token') as string;
  };

  async function verifiedAccount({ totp = true } = {}) {
    const account = await suite.helpers.signUp();
    const verification = await nthMail(account.email, 'Confirm your email address');
    const token = verification.links.find((url) => url.searchParams.has('token'))?.searchParams.get('token');
    assert.equal((await post('/auth/email/verify', { token })).statusCode, 204);
    if (totp) await suite.helpers.enrolTotp(account.userId);
    return account;
  }
  const auditOf = async (userId: string) =>
    (
      await suite.admin.query<{ type: string }>(
        "SELECT type FROM audit_events WHERE user_id = $1 AND type LIKE 'mfa.%' ORDER BY id",
        [userId],
      )
    ).rows.map(({ type }) => type);

  it('mails a link that removes TOTP once, only after the waiting period, and sends a notice', async () => {
    const { email, password, userId } = await verifiedAccount();
    assert.equal((await suite.helpers.login(email, password)).json().mfaRequired, true);
    assert.equal((await requestRemoval(email)).statusCode, 202);
    const message = await nthMail(email, subject);
    assert.match(message.text, /cancel/);
    const token = tokenOf(message);

    const early = await confirm(token);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().error.code, 'conflict');
    assert.ok(Number(early.headers['retry-after']) >= 1);
    assert.equal((await suite.helpers.login(email, password)).json().mfaRequired, true, 'TOTP is still there');

    await sleep(waitSeconds * 1000 + 100);
    assert.equal((await confirm(token)).statusCode, 204, 'the early try did not spend the link');
    const signedIn = (await suite.helpers.login(email, password)).json();
    assert.ok(signedIn.accessToken, 'the password alone signs in now');
    assert.equal((await confirm(token)).statusCode, 404, 'the link works once');
    const notice = await nthMail(email, 'Two-step verification was removed');
    assert.equal(notice.links.length, 0);
    assert.deepEqual(await auditOf(userId), ['mfa.enrolled', 'mfa.email_recovery_requested', 'mfa.removed']);
  });

  it('a cancelled request removes nothing', async () => {
    const { email, password, userId } = await verifiedAccount();
    await requestRemoval(email);
    const token = tokenOf(await nthMail(email, subject));
    assert.equal((await cancel(token)).statusCode, 204);
    assert.equal((await cancel(token)).statusCode, 404);
    await suite.admin.query(
      "UPDATE auth_flows SET payload = jsonb_set(payload, '{notBefore}', '0') WHERE kind = 'totp_email_recovery' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal((await confirm(token)).statusCode, 404);
    assert.equal((await suite.helpers.login(email, password)).json().mfaRequired, true);
    assert.deepEqual(await auditOf(userId), [
      'mfa.enrolled',
      'mfa.email_recovery_requested',
      'mfa.email_recovery_cancelled',
    ]);
  });

  it('signing in with the second factor voids a pending request, as step-up with it does', async () => {
    const { email, password, userId } = await verifiedAccount({ totp: false });
    const { recoveryCodes } = await suite.helpers.enrolTotp(userId);
    const signInWithCode = async (code: string) => {
      const { mfaToken } = (await suite.helpers.login(email, password)).json();
      return post('/auth/mfa/totp', { mfaToken, code });
    };

    await requestRemoval(email);
    const signInToken = tokenOf(await nthMail(email, subject));
    assert.equal((await signInWithCode(recoveryCodes[0] as string)).statusCode, 200);

    await requestRemoval(email);
    const stepUpToken = tokenOf(await nthMail(email, subject, 2));
    const stepUp = await suite.helpers.call('POST', '/auth/step-up/totp', await suite.helpers.stale(userId), {
      code: recoveryCodes[1],
    });
    assert.equal(stepUp.statusCode, 200);

    await suite.admin.query(
      "UPDATE auth_flows SET payload = jsonb_set(payload, '{notBefore}', '0') WHERE kind = 'totp_email_recovery' AND payload->>'userId' = $1",
      [userId],
    );
    for (const token of [signInToken, stepUpToken]) assert.equal((await confirm(token)).statusCode, 404);
    assert.equal((await suite.helpers.login(email, password)).json().mfaRequired, true, 'TOTP is still there');
    assert.deepEqual(await auditOf(userId), [
      'mfa.enrolled',
      'mfa.email_recovery_requested',
      'mfa.succeeded',
      'mfa.email_recovery_cancelled',
      'mfa.email_recovery_requested',
      'mfa.stepped_up',
      'mfa.email_recovery_cancelled',
    ]);
  });

  it('a second request voids the first link; an expired link is refused', async () => {
    const { email, userId } = await verifiedAccount();
    await requestRemoval(email);
    const first = tokenOf(await nthMail(email, subject));
    await requestRemoval(email);
    const second = tokenOf(await nthMail(email, subject, 2));
    const past = "jsonb_set(payload, '{notBefore}', '0')";
    await suite.admin.query(
      `UPDATE auth_flows SET payload = ${past} WHERE kind = 'totp_email_recovery' AND payload->>'userId' = $1`,
      [userId],
    );
    assert.equal((await confirm(first)).statusCode, 404);
    await suite.admin.query(
      "UPDATE auth_flows SET expires_at = now() - interval '1 second' WHERE kind = 'totp_email_recovery' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal((await confirm(second)).statusCode, 404);
  });

  it('answers every address alike, and mails only a verified one with TOTP', async () => {
    const withTotp = await verifiedAccount();
    const withoutTotp = await verifiedAccount({ totp: false });
    const unproven = await suite.helpers.signUp();
    await suite.helpers.enrolTotp(unproven.userId);
    const unknown = `nobody-${randomBytes(4).toString('hex')}@example.test`;
    const known = visibleAnswer(await requestRemoval(withTotp.email));
    for (const email of [withoutTotp.email, unproven.email, unknown]) {
      assert.deepEqual(visibleAnswer(await requestRemoval(email)), known, email);
    }
    await nthMail(withTotp.email, subject);
    await suite.harness.mail.idle();
    await sleep(50);
    for (const email of [withoutTotp.email, unproven.email, unknown]) {
      assert.equal(mailsTo(email, subject).length, 0, email);
    }
  });
});
