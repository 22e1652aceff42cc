import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { joinByInvitation } from '../fixtures/join-by-invitation.ts';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

const password = 'a perfectly long passphrase';
type Role = 'owner' | 'admin' | 'member';
interface Account {
  userId: string;
  tenantId: string;
  email: string;
}

describe('tenants and their members', () => {
  let harness: Harness;
  let seq = 0;
  const signUp = async (name: string): Promise<Account> => {
    const email = `${name}-${++seq}@example.com`;
    const response = await harness.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, password }),
    });
    assert.equal(response.statusCode, 201);
    return { ...response.json(), email };
  };
  const call = async (
    who: Pick<Account, 'userId'>,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    extra: { kind?: 'session' | 'api_key'; headers?: Record<string, string>; authTime?: number } = {},
  ) =>
    harness.app.inject({
      method,
      url,
      headers: {
        ...(await asPrincipal({
          userId: who.userId,
          // A fresh sign-in unless the test says otherwise: inviting and granting roles need one.
          authTime: extra.authTime ?? Math.floor(Date.now() / 1000),
          ...(extra.kind ? { kind: extra.kind } : {}),
        })),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra.headers,
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  const join = (tenantId: string, inviter: Account, invitee: Account, role: Role) =>
    joinByInvitation(harness, { tenantId, inviterId: inviter.userId, invitee, role });

  /** A fresh team tenant with one user in each role, so every test starts from the same shape. */
  const team = async () => {
    const owner = await signUp('owner');
    const [admin, member, outsider] = await Promise.all([signUp('admin'), signUp('member'), signUp('outsider')]);
    const created = await call(owner, 'POST', '/api/tenants', { name: 'Acme' });
    assert.equal(created.statusCode, 201);
    const tenantId: string = created.json().id;
    for (const [who, role] of [
      [admin, 'admin'],
      [member, 'member'],
    ] as const) {
      await join(tenantId, owner, who, role);
    }
    const actors: Record<Role | 'outsider', Account> = { owner, admin, member, outsider };
    return { tenantId, ...actors, actors };
  };
  const roleOf = async (owner: Account, tenantId: string, userId: string) => {
    const members: { userId: string; role: Role }[] = (
      await call(owner, 'GET', `/api/tenants/${tenantId}/members`)
    ).json().members;
    return members.find((m) => m.userId === userId)?.role ?? null;
  };

  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  it('lists my tenants with my role, and a tenant I create is mine to own', async () => {
    const alice = await signUp('alice');
    const created = await call(alice, 'POST', '/api/tenants', { name: '  Team  ' });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().role, 'owner');
    const listed = await call(alice, 'GET', '/api/tenants');
    assert.deepEqual(
      listed.json().tenants.map((t: { id: string; role: string; name: string }) => [t.id, t.name, t.role]),
      [
        [alice.tenantId, 'Personal', 'owner'],
        [created.json().id, '  Team  ', 'owner'],
      ],
    );
    const bad = await call(alice, 'POST', '/api/tenants', { name: ' ', extra: 1 });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
  });

  it('adding a member by email is gone: the path answers 405 and allows only the listing', async () => {
    const t = await team();
    const response = await call(t.owner, 'POST', `/api/tenants/${t.tenantId}/members`, {
      email: t.outsider.email,
      role: 'member',
    });
    assert.equal(response.statusCode, 405);
    assert.equal(response.json().error.code, 'method_not_allowed');
    assert.match(String(response.headers.allow), /^GET, HEAD$/);
    assert.equal(await roleOf(t.owner, t.tenantId, t.outsider.userId), null);
  });

  it('listing members: owners and admins may, members and outsiders may not', async () => {
    const t = await team();
    for (const actor of ['owner', 'admin'] as const) {
      const response = await call(t.actors[actor], 'GET', `/api/tenants/${t.tenantId}/members`);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(
        response.json().members.map((m: { userId: string; role: string }) => [m.userId, m.role]),
        [
          [t.owner.userId, 'owner'],
          [t.admin.userId, 'admin'],
          [t.member.userId, 'member'],
        ],
      );
    }
    assert.equal((await call(t.member, 'GET', `/api/tenants/${t.tenantId}/members`)).statusCode, 403);
    assert.equal((await call(t.outsider, 'GET', `/api/tenants/${t.tenantId}/members`)).statusCode, 403);
  });

  it('changing roles: admins never touch owners, members change nobody, nobody raises themselves', async () => {
    const t = await team();
    const target = await signUp('target');
    await join(t.tenantId, t.owner, target, 'member');
    const patch = (actor: Account, userId: string, role: Role) =>
      call(actor, 'PATCH', `/api/tenants/${t.tenantId}/members/${userId}`, { role });

    assert.equal((await patch(t.member, target.userId, 'admin')).statusCode, 403);
    assert.equal((await patch(t.outsider, target.userId, 'admin')).statusCode, 403);
    assert.equal((await patch(t.admin, target.userId, 'owner')).statusCode, 403);
    assert.equal((await patch(t.admin, t.owner.userId, 'member')).statusCode, 403);
    assert.equal((await patch(t.member, t.member.userId, 'admin')).statusCode, 403);
    assert.equal((await patch(t.admin, t.admin.userId, 'owner')).statusCode, 403);
    assert.equal(await roleOf(t.owner, t.tenantId, target.userId), 'member');

    const promoted = await patch(t.admin, target.userId, 'admin');
    assert.equal(promoted.statusCode, 200);
    assert.equal(promoted.json().role, 'admin');
    assert.equal((await patch(t.owner, target.userId, 'owner')).json().role, 'owner');
    // Lowering your own role is always allowed.
    assert.equal((await patch(t.admin, t.admin.userId, 'member')).json().role, 'member');
    assert.equal((await patch(t.admin, target.userId, 'member')).statusCode, 403);

    const invalid = await patch(t.owner, target.userId, 'superuser' as Role);
    assert.equal(invalid.json().error.code, 'invalid_request');
    const notUuid = await call(t.owner, 'PATCH', `/api/tenants/${t.tenantId}/members/nope`, { role: 'member' });
    assert.equal(notUuid.json().error.code, 'invalid_request');
    const stranger = await patch(t.owner, t.outsider.userId, 'member');
    assert.equal(stranger.json().error.code, 'not_found');
  });

  it('removing members: owners remove anyone, admins non-owners, members only themselves', async () => {
    const t = await team();
    const remove = (actor: Account, userId: string) =>
      call(actor, 'DELETE', `/api/tenants/${t.tenantId}/members/${userId}`);
    assert.equal((await remove(t.member, t.admin.userId)).statusCode, 403);
    assert.equal((await remove(t.outsider, t.member.userId)).statusCode, 403);
    assert.equal((await remove(t.admin, t.owner.userId)).statusCode, 403);
    assert.equal(await roleOf(t.owner, t.tenantId, t.admin.userId), 'admin');

    assert.equal((await remove(t.admin, t.member.userId)).statusCode, 204);
    assert.equal(await roleOf(t.owner, t.tenantId, t.member.userId), null);
    assert.equal((await remove(t.owner, t.admin.userId)).statusCode, 204);
    assert.equal(await roleOf(t.owner, t.tenantId, t.admin.userId), null);

    const leaver = await signUp('leaver');
    await join(t.tenantId, t.owner, leaver, 'member');
    assert.equal((await remove(leaver, leaver.userId)).statusCode, 204);
    assert.equal((await remove(t.owner, leaver.userId)).json().error.code, 'not_found');
  });

  it('a tenant keeps at least one owner, even when two owners step down at once', async () => {
    const t = await team();
    const last = await call(t.owner, 'PATCH', `/api/tenants/${t.tenantId}/members/${t.owner.userId}`, {
      role: 'admin',
    });
    assert.equal(last.statusCode, 409);
    assert.equal(last.json().error.code, 'conflict');
    const leave = await call(t.owner, 'DELETE', `/api/tenants/${t.tenantId}/members/${t.owner.userId}`);
    assert.equal(leave.statusCode, 409);

    const second = await signUp('second-owner');
    await join(t.tenantId, t.owner, second, 'owner');
    const stepDown = (who: Account) =>
      call(who, 'PATCH', `/api/tenants/${t.tenantId}/members/${who.userId}`, { role: 'admin' });
    for (let round = 0; round < 5; round++) {
      const outcomes = (await Promise.all([stepDown(t.owner), stepDown(second)])).map((r) => r.statusCode);
      assert.deepEqual([...outcomes].sort(), [200, 409], `round ${round}`);
      const owners = (await harness.identity.memberships.list({ tenantId: t.tenantId })).filter(
        (m) => m.role === 'owner',
      );
      assert.equal(owners.length, 1, `round ${round}`);
      const [remaining, other] = outcomes[0] === 409 ? [t.owner, second] : [second, t.owner];
      assert.equal(owners[0]?.userId, remaining.userId);
      const restored = await call(remaining, 'PATCH', `/api/tenants/${t.tenantId}/members/${other.userId}`, {
        role: 'owner',
      });
      assert.equal(restored.statusCode, 200);
    }
  });

  it('a removed member is refused on their very next request, on the session they already have', async () => {
    const t = await team();
    const signIn = await harness.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: t.member.email, password }),
    });
    const { sessionId } = signIn.json();
    const asMember = async (url: string) =>
      harness.app.inject({
        method: 'GET',
        url,
        headers: { ...(await asPrincipal({ userId: t.member.userId, sessionId })), 'x-tenant-id': t.tenantId },
      });
    assert.equal((await asMember('/api/projects')).statusCode, 200);
    assert.equal((await asMember('/me')).statusCode, 200);

    assert.equal(
      (await call(t.owner, 'DELETE', `/api/tenants/${t.tenantId}/members/${t.member.userId}`)).statusCode,
      204,
    );
    assert.ok(await harness.sessions.get(t.member.userId, sessionId), 'the session itself is still open');
    assert.equal((await asMember('/api/projects')).statusCode, 403);
    assert.equal((await asMember('/me')).statusCode, 403);
  });

  it('every change is an audit event that owners and admins of that tenant alone can read', async () => {
    const t = await team();
    await call(t.owner, 'PATCH', `/api/tenants/${t.tenantId}/members/${t.member.userId}`, { role: 'admin' });
    await call(t.owner, 'DELETE', `/api/tenants/${t.tenantId}/members/${t.member.userId}`);
    const url = `/api/tenants/${t.tenantId}/audit-events`;
    const read = await call(t.admin, 'GET', url);
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(
      read
        .json()
        .events.map((e: { type: string; userId: string; detail: { memberId?: string; invitedBy?: string } }) => [
          e.type,
          e.userId,
          e.detail.memberId ?? e.detail.invitedBy ?? null,
        ]),
      [
        ['member.removed', t.owner.userId, t.member.userId],
        ['member.role_changed', t.owner.userId, t.member.userId],
        ['invitation.accepted', t.member.userId, t.owner.userId],
        ['invitation.created', t.owner.userId, null],
        ['invitation.accepted', t.admin.userId, t.owner.userId],
        ['invitation.created', t.owner.userId, null],
        ['tenant.created', t.owner.userId, null],
      ],
    );
    const page = await call(t.owner, 'GET', `${url}?limit=2&before=${read.json().events[1].id}`);
    assert.equal(page.statusCode, 200, page.body);
    assert.deepEqual(
      page.json().events.map((e: { type: string }) => e.type),
      ['invitation.accepted', 'invitation.created'],
    );
    assert.equal((await call(t.owner, 'GET', `${url}?limit=501`)).json().error.code, 'invalid_request');
    assert.equal((await call(t.member, 'GET', url)).statusCode, 403);
    assert.equal((await call(t.outsider, 'GET', url)).statusCode, 403);
    // Another tenant's log does not show this tenant's events (row-level security).
    const own = await call(t.owner, 'GET', `/api/tenants/${t.owner.tenantId}/audit-events`);
    assert.deepEqual(
      own.json().events.map((e: { type: string }) => e.type),
      ['signup'],
    );
  });

  it('refuses API keys for administration and a header that names another tenant than the path', async () => {
    const t = await team();
    const withKey = await call(t.owner, 'GET', '/api/tenants', undefined, { kind: 'api_key' });
    assert.equal(withKey.statusCode, 403);
    const invited = await call(
      t.owner,
      'POST',
      `/api/tenants/${t.tenantId}/invitations`,
      { email: t.outsider.email, role: 'member' },
      { kind: 'api_key' },
    );
    assert.equal(invited.statusCode, 403);
    const confused = await call(t.owner, 'GET', `/api/tenants/${t.tenantId}/members`, undefined, {
      headers: { 'x-tenant-id': t.owner.tenantId },
    });
    assert.equal(confused.json().error.code, 'invalid_request');
    const unauthenticated = await harness.app.inject({ method: 'GET', url: '/api/tenants' });
    assert.equal(unauthenticated.statusCode, 401);
  });

  it('removing a member or changing any role needs a recent sign-in', async () => {
    const { tenantId, owner, admin, member, outsider } = await team();
    const stale = { authTime: Math.floor(Date.now() / 1000) - 3600 };
    const url = `/api/tenants/${tenantId}/members`;
    const refusedStale = async (what: string, response: Awaited<ReturnType<typeof call>>) => {
      assert.equal(response.statusCode, 403, what);
      assert.equal(response.json().error.code, 'step_up_required', what);
    };
    const invitations = `/api/tenants/${tenantId}/invitations`;
    await refusedStale(
      'inviting',
      await call(owner, 'POST', invitations, { email: outsider.email, role: 'member' }, stale),
    );
    for (const role of ['admin', 'owner'] as const) {
      await refusedStale(`granting ${role}`, await call(owner, 'PATCH', `${url}/${member.userId}`, { role }, stale));
    }
    // An intruder on an old session must not lock the owner out either: demote, remove, step down.
    await refusedStale('demoting', await call(owner, 'PATCH', `${url}/${admin.userId}`, { role: 'member' }, stale));
    await refusedStale('removing', await call(admin, 'DELETE', `${url}/${member.userId}`, undefined, stale));
    await refusedStale(
      'stepping down',
      await call(owner, 'PATCH', `${url}/${owner.userId}`, { role: 'member' }, stale),
    );
    await refusedStale('leaving', await call(member, 'DELETE', `${url}/${member.userId}`, undefined, stale));
    assert.deepEqual(await Promise.all([owner, admin, member].map((who) => roleOf(owner, tenantId, who.userId))), [
      'owner',
      'admin',
      'member',
    ]);
    assert.equal((await call(owner, 'PATCH', `${url}/${admin.userId}`, { role: 'member' })).statusCode, 200);
    assert.equal((await call(owner, 'DELETE', `${url}/${member.userId}`)).statusCode, 204);
  });
});
