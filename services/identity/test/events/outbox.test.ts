import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { appendEvent } from '../../src/events/append-event.ts';
import { createEventDispatchStore, createIdentity, type EventDispatchStore, type Identity } from '../../src/index.ts';
import { inTransaction } from '../../src/postgres/in-transaction.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';
import { signUpWithPassword } from '../../src/users/sign-up-with-password.ts';

/**
 * The outbox under the two roles that touch it: the application role appends in the change's
 * transaction and reads nothing back; the dispatcher's role fans out and claims, and can read no
 * identity table.
 */
describe('the event outbox', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;
  let appPool: pg.Pool;
  let eventsPool: pg.Pool;
  let dispatch: EventDispatchStore;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl });
    appPool = new pg.Pool({ connectionString: database.appUrl, max: 2 });
    eventsPool = new pg.Pool({ connectionString: database.eventsUrl, max: 2 });
    dispatch = createEventDispatchStore({ databaseUrl: database.eventsUrl });
  });
  after(async () => {
    await Promise.all([identity.close(), appPool.end(), eventsPool.end(), dispatch.close()]);
    await database.drop();
  });

  const outboxTypesOf = async (userId: string) =>
    (
      await eventsPool.query<{ type: string }>('SELECT type FROM event_outbox WHERE user_id = $1 ORDER BY id', [userId])
    ).rows.map(({ type }) => type);

  it('writes the events of a change in its transaction', async () => {
    const signedUp = await identity.users.signUpWithPassword({ email: 'olive@example.com', passwordHash: 'h' });
    assert.ok(signedUp.created);
    assert.deepEqual(await outboxTypesOf(signedUp.userId), ['user.created', 'membership.added']);
  });

  it('writes nothing for a change that rolled back', async () => {
    let userId = '';
    await assert.rejects(
      inTransaction({ pool: appPool }, async (client) => {
        const result = await signUpWithPassword(client, { email: 'rolled.back@example.com', passwordHash: 'h' });
        userId = result.userId;
        throw new Error('the change fails after its event was written');
      }),
    );
    assert.ok(userId);
    assert.deepEqual(await outboxTypesOf(userId), []);
    assert.equal(await identity.users.findPasswordLogin({ email: 'rolled.back@example.com' }), null);
  });

  it('sends a user-level event to the tenants the user belongs to when it is written', async () => {
    const signedUp = await identity.users.signUpWithPassword({ email: 'pia@example.com', passwordHash: 'h' });
    assert.ok(signedUp.created);
    const other = await identity.memberships.createTenant({ userId: signedUp.userId, name: 'Second' });
    await identity.events.publish({ type: 'user.deleted', data: { userId: signedUp.userId } });
    const { rows } = await eventsPool.query<{ tenant_ids: string[] }>(
      `SELECT tenant_ids FROM event_outbox WHERE user_id = $1 AND type = 'user.deleted'`,
      [signedUp.userId],
    );
    assert.deepEqual(rows[0]?.tenant_ids.sort(), [signedUp.tenantId, other.id].sort());
  });

  it('lets the application role append events and read none', async () => {
    await assert.rejects(appPool.query('SELECT * FROM event_outbox'), { code: '42501' });
    await assert.rejects(appPool.query('UPDATE event_outbox SET fanned_out_at = now()'), { code: '42501' });
    await appendEvent(appPool, { type: 'user.deleted', data: { userId: randomUUID() } });
  });

  it('gives the dispatcher role the outbox and the deliveries, and no identity table', async () => {
    for (const table of ['users', 'memberships', 'password_credentials', 'audit_events', 'tenants']) {
      await assert.rejects(eventsPool.query(`SELECT 1 FROM ${table} LIMIT 1`), { code: '42501' }, table);
    }
    // It cannot forge an event, nor rewrite one.
    await assert.rejects(
      eventsPool.query(
        `INSERT INTO event_outbox (type, version, tenant_ids, data) VALUES ('user.deleted', 1, '{}', '{}')`,
      ),
      { code: '42501' },
    );
    await assert.rejects(eventsPool.query(`UPDATE event_outbox SET data = '{}'`), { code: '42501' });
    assert.ok((await dispatch.fanOut({ limit: 1000 })) > 0);
    assert.equal(await dispatch.fanOut({ limit: 1000 }), 0, 'each event is fanned out once');
  });

  it("keeps each tenant's endpoints to itself, and shows the dispatcher all of them", async () => {
    const signedUp = await identity.users.signUpWithPassword({ email: 'quinn@example.com', passwordHash: 'h' });
    assert.ok(signedUp.created);
    const endpoint = {
      url: 'https://hooks.example.com/in',
      eventTypes: ['user.disabled' as const],
      secretCiphertext: 'x',
    };
    await identity.withTenant(signedUp.tenantId, (scope) => scope.webhooks.create({ id: randomUUID(), ...endpoint }));
    const other = await identity.memberships.createTenant({ userId: signedUp.userId, name: 'Other' });
    assert.deepEqual(await identity.withTenant(other.id, (scope) => scope.webhooks.list()), []);
    assert.equal((await identity.withTenant(signedUp.tenantId, (scope) => scope.webhooks.list())).length, 1);
    // No tenant set: the application role sees none, and cannot make a platform-wide one.
    assert.equal((await appPool.query('SELECT 1 FROM webhook_endpoints')).rowCount, 0);
    await assert.rejects(
      appPool.query(
        `INSERT INTO webhook_endpoints (id, url, event_types, secret_ciphertext) VALUES ($1, 'https://x', '{user.deleted}', 'x')`,
        [randomUUID()],
      ),
      { code: '42501' },
    );
    assert.equal((await eventsPool.query('SELECT 1 FROM webhook_endpoints')).rowCount, 1);
  });

  it('prunes finished events once old enough, and keeps any with a pending delivery', async () => {
    const signedUp = await identity.users.signUpWithPassword({ email: 'prune@example.com', passwordHash: 'h' });
    assert.ok(signedUp.created);
    await identity.withTenant(signedUp.tenantId, (scope) =>
      scope.webhooks.create({
        id: randomUUID(),
        url: 'https://hooks.example.com/prune',
        eventTypes: ['session.revoked'],
        secretCiphertext: 'x',
      }),
    );
    const revoked = {
      type: 'session.revoked' as const,
      data: { userId: signedUp.userId, sessionId: null, reason: 'revoked' as const },
    };
    await identity.events.publish(revoked);
    while ((await dispatch.fanOut({ limit: 1000 })) > 0) {}
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      // Everything so far was fanned out a day ago; one newer event comes after.
      await admin.query(`UPDATE event_outbox SET fanned_out_at = now() - interval '1 day'`);
      await identity.events.publish(revoked);
      while ((await dispatch.fanOut({ limit: 1000 })) > 0) {}
      const left = async () =>
        (await admin.query<{ type: string }>('SELECT type FROM event_outbox ORDER BY id')).rows.map(({ type }) => type);

      assert.ok((await dispatch.prune({ retentionSeconds: 3600, limit: 1000 })) > 0);
      assert.deepEqual(await left(), ['session.revoked', 'session.revoked'], 'one still pending, one too new');
      await admin.query(`UPDATE webhook_deliveries SET state = 'delivered', settled_at = now()`);
      assert.equal(await dispatch.prune({ retentionSeconds: 3600, limit: 1000 }), 1);
      assert.deepEqual(await left(), ['session.revoked'], 'the newer event stays its retention out');
      assert.equal((await admin.query('SELECT 1 FROM webhook_deliveries')).rowCount, 1, 'its delivery went with it');
    } finally {
      await admin.end();
    }
  });
});
