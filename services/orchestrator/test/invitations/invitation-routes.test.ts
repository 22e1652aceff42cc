import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { accountSuite } from '../fixtures/account-suite.ts';
import { invitationTokenFor } from '../fixtures/join-by-invitation.ts';
import { visibleAnswer } from '../fixtures/visible-answer.ts';

type Role = 'owner' | 'admin' | 'member';

/**
 * Invitations end to end: the real orchestrator, Postgres and SMTP server. Every link is read
 * from the mail the sink received, and every refusal is one an attacker would try.
 */
describe('tenant invitations', () => {
  const suite = accountSuite();

  const address = (label: string) => `${label}-${randomBytes(4).toString('hex')}@corp.example`;
  /** An account with a password, its address not yet verified. */
  const signUpAs = async (email: string) => {
    const password = `a long passphrase ${randomBytes(4).toString('hex')}`;
    const response = await suite.helpers.call('POST', '/auth/signup', {}, { email, password });
    assert.equal(response.statusCode, 201);
    return { ...(response.json() as { userId: string; tenantId: string }), email };
  };
  /** The address verified the way its owner does it: the link the sign-up mailed there. */
  const verifyFromMail = async (email: string) => {
    const message = await suite.harness.mailSink.waitForMessage(
      ({ to, subject }) => to.includes(email) && subject === 'Confirm your email address',
    );
    const token = message.links.find((url) => url.pathname === '/verify-email')?.searchParams.get('token');
    assert.equal((await suite.helpers.call('POST', '/auth/email/verify', {}, { token })).statusCode, 204);
  };
  /** A tenant of its own, with its owner. */
  const team = async () => {
    const owner = await signUpAs(address('owner'));
    const created = await suite.helpers.call('POST', '/api/tenants', await suite.helpers.fresh(owner.userId), {
      name: 'Corp',
    });
    assert.equal(created.statusCode, 201);
    return { owner, tenantId: created.json().id as string };
  };
  const invite = async (tenantId: string, inviterId: string, email: string, role: Role = 'member') =>
    suite.helpers.call('POST', `/api/tenants/${tenantId}/invitations`, await suite.helpers.fresh(inviterId), {
      email,
      role,
    });
  const accept = async (userId: string, token: string) =>
    suite.helpers.call('POST', '/api/invitations/accept', await suite.helpers.fresh(userId), { token });
  const roleIn = async (tenantId: string, userId: string) =>
    suite.harness.identity.memberships.find({ tenantId, userId });
  const pending = async (tenantId: string, userId: string) =>
    (
      await suite.helpers.call('GET', `/api/tenants/${tenantId}/invitations`, await suite.helpers.fresh(userId))
    ).json() as {
      invitations: { id: string; email: string; role: Role; invitedBy: string }[];
    };

  it('mails a link under the public origin whose token makes the verified invitee a member once', async () => {
    const { owner, tenantId } = await team();
    const alice = await signUpAs(address('alice'));
    await verifyFromMail(alice.email);
    assert.equal((await invite(tenantId, owner.userId, alice.email.toUpperCase(), 'admin')).statusCode, 202);

    const message = await suite.harness.mailSink.waitForMessage(
      ({ to, subject }) => to.includes(alice.email) && subject === 'You are invited to join a team',
    );
    const link = message.links.find((url) => url.searchParams.has('token'));
    assert.equal(link?.origin, suite.harness.config.PUBLIC_ORIGIN);
    assert.equal(link?.pathname, '/accept-invitation');
    assert.match(message.text, /"Corp" as admin/);
    assert.match(message.html, /&quot;Corp&quot; as admin/);
    const token = link?.searchParams.get('token') as string;
    assert.ok(Buffer.from(token, 'base64url').length >= 16, 'at least 128 bits');

    const accepted = await accept(alice.userId, token);
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.deepEqual(
      { id: accepted.json().id, name: accepted.json().name, role: accepted.json().role },
      { id: tenantId, name: 'Corp', role: 'admin' },
    );
    assert.equal(await roleIn(tenantId, alice.userId), 'admin');
    assert.deepEqual((await pending(tenantId, owner.userId)).invitations, [], 'spent');

    const reused = await accept(alice.userId, token);
    assert.equal(reused.statusCode, 404);
    assert.equal(reused.json().error.code, 'invalid_link');

    // Only the SHA-256 of the token is in the database.
    const stored = await suite.admin.query<{ token_hash: Buffer }>('SELECT token_hash FROM tenant_invitations');
    assert.ok(stored.rows.every(({ token_hash }) => !token_hash.toString('latin1').includes(token)));
    const events = await suite.helpers.call(
      'GET',
      `/api/tenants/${tenantId}/audit-events`,
      await suite.helpers.fresh(owner.userId),
    );
    assert.deepEqual(
      events
        .json()
        .events.map((event: { type: string }) => event.type)
        .slice(0, 2),
      ['invitation.accepted', 'invitation.created'],
    );
  });

  it('of concurrent acceptances of one invitation exactly one succeeds', async () => {
    const { owner, tenantId } = await team();
    const frank = await signUpAs(address('frank'));
    await verifyFromMail(frank.email);
    await invite(tenantId, owner.userId, frank.email);
    const token = await invitationTokenFor(suite.harness, frank.email);
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => accept(frank.userId, token)))).map(
      ({ statusCode }) => statusCode,
    );
    assert.deepEqual(statuses.sort(), [200, 404, 404, 404, 404]);
    assert.equal(await roleIn(tenantId, frank.userId), 'member');
  });

  it('answers an address without an account byte for byte as one with an account, and mails both', async () => {
    const { owner, tenantId } = await team();
    const known = await signUpAs(address('known'));
    const unknown = address('nobody');
    const toKnown = await invite(tenantId, owner.userId, known.email);
    const toUnknown = await invite(tenantId, owner.userId, unknown);
    assert.equal(toKnown.statusCode, 202);
    assert.deepEqual(visibleAnswer(toUnknown), visibleAnswer(toKnown));
    await invitationTokenFor(suite.harness, known.email);
    await invitationTokenFor(suite.harness, unknown);
    // Someone who signs up after the invitation, verifies and accepts joins too.
    const late = await signUpAs(unknown);
    await verifyFromMail(unknown);
    assert.equal((await accept(late.userId, await invitationTokenFor(suite.harness, unknown))).statusCode, 200);
  });

  it('pre-registered attacker: an unverified account holding the invited address never becomes a member', async () => {
    const { owner, tenantId } = await team();
    const victim = address('alice');
    // The attacker signs up with the address before Alice does, and cannot verify it.
    const attacker = await signUpAs(victim);
    assert.equal((await invite(tenantId, owner.userId, victim)).statusCode, 202);
    // Even holding the link (a forwarded mail, a shared inbox), the unverified account is refused.
    const token = await invitationTokenFor(suite.harness, victim);
    const refused = await accept(attacker.userId, token);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    assert.equal(await roleIn(tenantId, attacker.userId), null);
    // A verified account of another address is refused too, and the invitation stays for Alice.
    const other = await signUpAs(address('mallory'));
    await verifyFromMail(other.email);
    assert.equal((await accept(other.userId, token)).statusCode, 403);
    assert.equal(await roleIn(tenantId, other.userId), null);
    assert.equal((await pending(tenantId, owner.userId)).invitations.length, 1);
    const refusals = await suite.admin.query<{ user_id: string }>(
      "SELECT user_id FROM audit_events WHERE type = 'invitation.refused' AND user_id = ANY($1::uuid[])",
      [[attacker.userId, other.userId]],
    );
    assert.equal(refusals.rowCount, 2);
  });

  it('refuses an expired invitation, and a second invitation of the address replaces the first', async () => {
    const { owner, tenantId } = await team();
    const bob = await signUpAs(address('bob'));
    await verifyFromMail(bob.email);
    await invite(tenantId, owner.userId, bob.email, 'member');
    const first = await invitationTokenFor(suite.harness, bob.email, 1);
    await invite(tenantId, owner.userId, bob.email, 'admin');
    const second = await invitationTokenFor(suite.harness, bob.email, 2);
    const listed = (await pending(tenantId, owner.userId)).invitations;
    assert.deepEqual(
      listed.map(({ email, role, invitedBy }) => ({ email, role, invitedBy })),
      [{ email: bob.email, role: 'admin', invitedBy: owner.userId }],
    );
    assert.equal((await accept(bob.userId, first)).statusCode, 404, 'the first link was replaced');

    await suite.admin.query(
      "UPDATE tenant_invitations SET expires_at = now() - interval '1 second' WHERE tenant_id = $1",
      [tenantId],
    );
    const expired = await accept(bob.userId, second);
    assert.equal(expired.statusCode, 404);
    assert.equal(expired.json().error.code, 'invalid_link');
    assert.deepEqual((await pending(tenantId, owner.userId)).invitations, []);
    assert.equal(await roleIn(tenantId, bob.userId), null);
  });

  it('owners invite any role, admins up to admin, members and outsiders nobody', async () => {
    const { owner, tenantId } = await team();
    const adminUser = await signUpAs(address('admin'));
    await verifyFromMail(adminUser.email);
    await invite(tenantId, owner.userId, adminUser.email, 'admin');
    await accept(adminUser.userId, await invitationTokenFor(suite.harness, adminUser.email));
    const memberUser = await signUpAs(address('member'));
    await verifyFromMail(memberUser.email);
    await invite(tenantId, owner.userId, memberUser.email, 'member');
    await accept(memberUser.userId, await invitationTokenFor(suite.harness, memberUser.email));
    const outsider = await signUpAs(address('outsider'));
    const actors = { owner, admin: adminUser, member: memberUser, outsider };

    const expectations: [keyof typeof actors, Role, number][] = [
      ['owner', 'owner', 202],
      ['admin', 'admin', 202],
      ['admin', 'owner', 403],
      ['member', 'member', 403],
      ['outsider', 'member', 403],
    ];
    for (const [actor, role, status] of expectations) {
      const response = await invite(tenantId, actors[actor].userId, address('newcomer'), role);
      assert.equal(response.statusCode, status, `${actor} invites a ${role}`);
    }
    const list = (who: keyof typeof actors) =>
      suite.helpers
        .fresh(actors[who].userId)
        .then((headers) => suite.helpers.call('GET', `/api/tenants/${tenantId}/invitations`, headers));
    assert.equal((await list('admin')).statusCode, 200);
    assert.equal((await list('member')).statusCode, 403);
    assert.equal((await list('outsider')).statusCode, 403);
    const stale = await suite.helpers.stale(owner.userId);
    const unproven = await suite.helpers.call('POST', `/api/tenants/${tenantId}/invitations`, stale, {
      email: address('late'),
      role: 'member',
    });
    assert.equal(unproven.json().error.code, 'step_up_required');
  });

  it('revoking: the link stops working; admins cannot revoke an owner invitation; unknown ids are 404', async () => {
    const { owner, tenantId } = await team();
    const adminUser = await signUpAs(address('admin'));
    await verifyFromMail(adminUser.email);
    await invite(tenantId, owner.userId, adminUser.email, 'admin');
    await accept(adminUser.userId, await invitationTokenFor(suite.harness, adminUser.email));

    const carol = await signUpAs(address('carol'));
    await verifyFromMail(carol.email);
    await invite(tenantId, owner.userId, carol.email, 'owner');
    const token = await invitationTokenFor(suite.harness, carol.email);
    const [invitation] = (await pending(tenantId, owner.userId)).invitations;
    assert.ok(invitation);
    const revoke = async (userId: string, id: string) =>
      suite.helpers.call('DELETE', `/api/tenants/${tenantId}/invitations/${id}`, await suite.helpers.fresh(userId));
    assert.equal((await revoke(adminUser.userId, invitation.id)).statusCode, 403);
    assert.equal((await revoke(owner.userId, invitation.id)).statusCode, 204);
    assert.equal((await revoke(owner.userId, invitation.id)).statusCode, 404);
    assert.equal((await accept(carol.userId, token)).statusCode, 404);
    assert.equal(await roleIn(tenantId, carol.userId), null);
    const types = await suite.admin.query<{ type: string }>(
      "SELECT type FROM audit_events WHERE tenant_id = $1 AND type LIKE 'invitation.%' ORDER BY id",
      [tenantId],
    );
    assert.deepEqual(
      types.rows.map(({ type }) => type),
      ['invitation.created', 'invitation.accepted', 'invitation.created', 'invitation.revoked'],
    );
  });

  it('a tenant holds at most 1000 pending invitations, every one of them listed', async () => {
    const { owner, tenantId } = await team();
    // 999 pending, written straight to the table: mailing them through the route would take minutes.
    await suite.admin.query(
      `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
       SELECT $1::uuid, 'seeded-' || n || '@corp.example', 'member', sha256(convert_to($1::uuid || '-' || n, 'UTF8')), $2, now() + interval '1 day'
       FROM generate_series(1, 999) AS n`,
      [tenantId, owner.userId],
    );
    const last = address('last');
    assert.equal((await invite(tenantId, owner.userId, last)).statusCode, 202);
    const refused = await invite(tenantId, owner.userId, address('one-too-many'));
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'conflict');
    assert.equal((await invite(tenantId, owner.userId, last, 'admin')).statusCode, 202, 'renewing one adds none');
    const listed = (await pending(tenantId, owner.userId)).invitations;
    assert.equal(listed.length, 1000);

    await suite.admin.query(
      "UPDATE tenant_invitations SET expires_at = now() - interval '1 second' WHERE email = 'seeded-1@corp.example' AND tenant_id = $1",
      [tenantId],
    );
    assert.equal((await invite(tenantId, owner.userId, address('after-expiry'))).statusCode, 202);
    assert.equal((await invite(tenantId, owner.userId, address('full-again'))).statusCode, 409);
  });

  it('an invitation carries no more authority than its inviter still has when it is accepted: removed or disabled', async () => {
    const { owner, tenantId } = await team();
    const adminUser = await signUpAs(address('admin'));
    await verifyFromMail(adminUser.email);
    await invite(tenantId, owner.userId, adminUser.email, 'admin');
    await accept(adminUser.userId, await invitationTokenFor(suite.harness, adminUser.email));
    const dave = await signUpAs(address('dave'));
    await verifyFromMail(dave.email);
    await invite(tenantId, adminUser.userId, dave.email, 'member');
    const token = await invitationTokenFor(suite.harness, dave.email);
    // The admin who invited is removed before Dave accepts.
    const removed = await suite.helpers.call(
      'DELETE',
      `/api/tenants/${tenantId}/members/${adminUser.userId}`,
      await suite.helpers.fresh(owner.userId),
    );
    assert.equal(removed.statusCode, 204);
    const refused = await accept(dave.userId, token);
    assert.equal(refused.statusCode, 403);
    assert.equal(await roleIn(tenantId, dave.userId), null);

    // Nor does an invitation from an admin an operator has disabled since.
    const otherAdmin = await signUpAs(address('admin'));
    await verifyFromMail(otherAdmin.email);
    await invite(tenantId, owner.userId, otherAdmin.email, 'admin');
    await accept(otherAdmin.userId, await invitationTokenFor(suite.harness, otherAdmin.email));
    const erin = await signUpAs(address('erin'));
    await verifyFromMail(erin.email);
    assert.equal((await invite(tenantId, otherAdmin.userId, erin.email, 'member')).statusCode, 202);
    const erinsToken = await invitationTokenFor(suite.harness, erin.email);
    assert.ok(await suite.harness.identity.admin.disableUser({ email: otherAdmin.email, reason: 'test' }));
    assert.equal((await accept(erin.userId, erinsToken)).statusCode, 403);
    assert.equal(await roleIn(tenantId, erin.userId), null);
  });

  it('an existing member cannot accept again, and the accept route needs a signed-in user', async () => {
    const { owner, tenantId } = await team();
    await suite.harness.identity.users.markEmailVerified(owner);
    await invite(tenantId, owner.userId, owner.email, 'member');
    const token = await invitationTokenFor(suite.harness, owner.email);
    const again = await accept(owner.userId, token);
    assert.equal(again.statusCode, 409);
    assert.equal(await roleIn(tenantId, owner.userId), 'owner');
    const anonymous = await suite.helpers.call('POST', '/api/invitations/accept', {}, { token });
    assert.equal(anonymous.statusCode, 401);
  });
});
