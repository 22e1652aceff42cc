import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkMessage } from '@authscale/testkit';
import { accountSuite } from '../fixtures/account-suite.ts';

const tokenOf = (message: SinkMessage) => {
  assert.ok(message.token, 'the message carries a link with a token');
  return message.token;
};

/** Email verification end to end: the real orchestrator mails through a real SMTP server. */
describe('email verification', () => {
  const suite = accountSuite();

  const verifiedAt = async (userId: string) =>
    (await suite.admin.query<{ at: Date | null }>('SELECT email_verified_at AS at FROM users WHERE id = $1', [userId]))
      .rows[0]?.at ?? null;
  const verificationMail = (email: string, nth = 1) =>
    suite.harness.mailSink.waitForMessage(({ to }) => to.includes(email), { nth });
  const verify = (token: string) => suite.helpers.call('POST', '/auth/email/verify', {}, { token });

  it('mails a link at sign-up under PUBLIC_ORIGIN; its token verifies the address once', async () => {
    const { email, userId } = await suite.helpers.signUp();
    const message = await verificationMail(email);
    assert.equal(message.subject, 'Confirm your email address');
    const link = message.links[0] as URL;
    assert.equal(link.origin, suite.harness.config.PUBLIC_ORIGIN);
    assert.ok(message.html.includes(link.href.replaceAll('&', '&amp;')));
    assert.equal(await verifiedAt(userId), null);

    const token = tokenOf(message);
    const first = await verify(token);
    assert.equal(first.statusCode, 204);
    assert.ok(await verifiedAt(userId));
    const again = await verify(token);
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'invalid_link');
    const stored = await suite.admin.query('SELECT 1 FROM auth_flows WHERE payload::text LIKE $1', [`%${token}%`]);
    assert.equal(stored.rowCount, 0, 'only a hash of the token is stored');
  });

  it('a new link requested by the signed-in user voids the previous one', async () => {
    const { email, userId } = await suite.helpers.signUp();
    const first = tokenOf(await verificationMail(email));
    const requested = await suite.helpers.call('POST', '/auth/email/verify/request', await suite.helpers.fresh(userId));
    assert.equal(requested.statusCode, 202);
    assert.deepEqual(requested.json(), { accepted: true });
    const second = tokenOf(await verificationMail(email, 2));
    assert.notEqual(first, second);
    assert.equal((await verify(first)).statusCode, 404);
    assert.equal((await verify(second)).statusCode, 204);
  });

  it('refuses an expired link, and a link for an address the account has left', async () => {
    const { email, userId } = await suite.helpers.signUp();
    const token = tokenOf(await verificationMail(email));
    await suite.admin.query(
      "UPDATE auth_flows SET expires_at = now() - interval '1 second' WHERE kind = 'email_verification' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal((await verify(token)).statusCode, 404);

    await suite.helpers.call('POST', '/auth/email/verify/request', await suite.helpers.fresh(userId));
    const fresh = tokenOf(await verificationMail(email, 2));
    await suite.admin.query("UPDATE users SET email = 'moved-' || email WHERE id = $1", [userId]);
    assert.equal((await verify(fresh)).statusCode, 404);
    assert.equal(await verifiedAt(userId), null);
  });

  it('asks for a signed-in caller to send a link, and audits each step', async () => {
    const anonymous = await suite.helpers.call('POST', '/auth/email/verify/request');
    assert.equal(anonymous.statusCode, 401);
    const { email, userId } = await suite.helpers.signUp();
    assert.equal((await verify(tokenOf(await verificationMail(email)))).statusCode, 204);
    const types = (
      await suite.admin.query<{ type: string }>('SELECT type FROM audit_events WHERE user_id = $1 ORDER BY id', [
        userId,
      ])
    ).rows.map(({ type }) => type);
    assert.deepEqual(types, ['signup', 'email.verification_sent', 'email.verified']);
  });
});
