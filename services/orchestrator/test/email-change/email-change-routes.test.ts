import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SinkMessage } from '@authscale/testkit';
import { accountSuite } from '../fixtures/account-suite.ts';
import { visibleAnswer } from '../fixtures/visible-answer.ts';

/**
 * Email change end to end: the request mails a link to the new address, only that link moves the
 * account, and the old address hears of it. Real orchestrator, Postgres and SMTP server.
 */
describe('email change', () => {
  const suite = accountSuite();

  const requestChange = async (userId: string, email: string) =>
    suite.helpers.call('PUT', '/auth/email', await suite.helpers.fresh(userId), { email });
  const confirm = (token: string) => suite.helpers.call('POST', '/auth/email/change', {}, { token });
  const confirmations = (email: string) =>
    suite.harness.mailSink
      .messages()
      .filter(({ to, subject }) => to.includes(email) && subject === 'Confirm your new email address');
  const confirmationToken = async (email: string, count = 1) => {
    await suite.harness.mailSink.waitForMessage(() => confirmations(email).length >= count);
    const link = (confirmations(email)[count - 1] as SinkMessage).links.find((url) => url.searchParams.has('token'));
    assert.equal(link?.origin, suite.harness.config.PUBLIC_ORIGIN);
    assert.equal(link?.pathname, '/confirm-email-change');
    return link?.searchParams.get('token') as string;
  };
  /** What `GET /me` says about the user, in their personal tenant. */
  const meEmail = async (userId: string, tenantId: string) => {
    const me = await suite.helpers.call('GET', '/me', {
      ...(await suite.helpers.fresh(userId)),
      'x-tenant-id': tenantId,
    });
    return me.json().user.email as string;
  };
  const tenantOf = async (userId: string) =>
    (await suite.harness.identity.memberships.defaultTenant({ userId })) as string;

  it('moves the account only when the link mailed to the new address is followed, once, and tells the old one', async () => {
    const alice = await suite.helpers.signUp();
    const tenantId = await tenantOf(alice.userId);
    const newEmail = alice.email.replace('account-', 'moved-');
    const requested = await requestChange(alice.userId, newEmail.toUpperCase());
    assert.equal(requested.statusCode, 202);
    assert.deepEqual(requested.json(), { accepted: true });
    const token = await confirmationToken(newEmail);

    assert.equal(await meEmail(alice.userId, tenantId), alice.email, 'unchanged until confirmed');
    assert.equal((await suite.helpers.login(newEmail, alice.password)).statusCode, 401);

    assert.equal((await confirm(token)).statusCode, 204);
    assert.equal(await meEmail(alice.userId, tenantId), newEmail);
    assert.equal((await suite.helpers.login(newEmail, alice.password)).statusCode, 200);
    assert.equal((await suite.helpers.login(alice.email, alice.password)).statusCode, 401);
    const verified = await suite.admin.query('SELECT 1 FROM users WHERE id = $1 AND email_verified_at IS NOT NULL', [
      alice.userId,
    ]);
    assert.equal(verified.rowCount, 1, 'the link proved the new address');

    const notice = await suite.harness.mailSink.waitForMessage(
      ({ to, subject }) => to.includes(alice.email) && subject === 'Your email address was changed',
    );
    assert.ok(notice.text.includes(newEmail));
    assert.ok(notice.html.includes(newEmail));
    assert.equal(notice.links.length, 0);

    const reused = await confirm(token);
    assert.equal(reused.statusCode, 404);
    assert.equal(reused.json().error.code, 'invalid_link');
    const types = await suite.admin.query<{ type: string }>(
      "SELECT type FROM audit_events WHERE user_id = $1 AND type LIKE 'email.change%' ORDER BY id",
      [alice.userId],
    );
    assert.deepEqual(
      types.rows.map(({ type }) => type),
      ['email.change_requested', 'email.changed'],
    );
  });

  it('answers an address another account holds byte for byte as a free one, and mails only the free one', async () => {
    const alice = await suite.helpers.signUp();
    const bob = await suite.helpers.signUp();
    const free = alice.email.replace('account-', 'free-');
    const toTaken = await requestChange(alice.userId, bob.email.toUpperCase());
    const toFree = await requestChange(alice.userId, free);
    assert.equal(toFree.statusCode, 202);
    assert.deepEqual(visibleAnswer(toTaken), visibleAnswer(toFree));
    await confirmationToken(free);
    await suite.harness.mail.idle();
    await sleep(50);
    assert.deepEqual(confirmations(bob.email), []);
    assert.equal((await suite.harness.identity.users.get({ userId: alice.userId }))?.email, alice.email);
    const conflict = await suite.admin.query<{ detail: { existingUserId?: string } }>(
      "SELECT detail FROM audit_events WHERE user_id = $1 AND type = 'email.change_conflict'",
      [alice.userId],
    );
    assert.equal(conflict.rows[0]?.detail.existingUserId, bob.userId);
  });

  it('refuses an expired link and one voided by a later request; an address taken meanwhile is a 409', async () => {
    const carol = await suite.helpers.signUp();
    const first = carol.email.replace('account-', 'first-');
    const second = carol.email.replace('account-', 'second-');
    await requestChange(carol.userId, first);
    const firstToken = await confirmationToken(first);
    await requestChange(carol.userId, second);
    const secondToken = await confirmationToken(second);
    assert.equal((await confirm(firstToken)).statusCode, 404, 'voided by the later request');

    await suite.admin.query(
      "UPDATE auth_flows SET expires_at = now() - interval '1 second' WHERE kind = 'email_change' AND payload->>'userId' = $1",
      [carol.userId],
    );
    assert.equal((await confirm(secondToken)).statusCode, 404, 'expired');

    const third = carol.email.replace('account-', 'third-');
    await requestChange(carol.userId, third);
    const thirdToken = await confirmationToken(third);
    // Someone signs up with the address between the request and the click.
    const squatter = await suite.helpers.call(
      'POST',
      '/auth/signup',
      {},
      { email: third, password: 'a squatter passphrase' },
    );
    assert.equal(squatter.statusCode, 201);
    const taken = await confirm(thirdToken);
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().error.code, 'conflict');
    assert.equal((await suite.harness.identity.users.get({ userId: carol.userId }))?.email, carol.email);
  });

  it('needs a recent sign-in, and refuses look-alike and malformed addresses', async () => {
    const dave = await suite.helpers.signUp();
    const stale = await suite.helpers.call('PUT', '/auth/email', await suite.helpers.stale(dave.userId), {
      email: 'dave.moved@example.test',
    });
    assert.equal(stale.statusCode, 403);
    assert.equal(stale.json().error.code, 'step_up_required');
    assert.equal((await requestChange(dave.userId, 'pаypal@example.test')).statusCode, 400);
    assert.equal((await requestChange(dave.userId, 'not an email')).statusCode, 400);
    await suite.harness.mail.idle();
    assert.deepEqual(confirmations('dave.moved@example.test'), [], 'a refused request mails nothing');
  });
});
