import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type Identity } from '../../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';

/**
 * Erasure in Postgres alone, under the roles that may and may not run it; the orchestrator's test
 * erases a user across every store and scans each one.
 */
describe('erasing a user in identity', () => {
  let database: IdentityTestDatabase;
  let app: Identity;
  let operators: Identity;
  let admin: pg.Pool;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    app = createIdentity({ databaseUrl: database.appUrl });
    operators = createIdentity({ databaseUrl: database.operatorUrl });
    admin = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  });
  after(async () => {
    await Promise.all([app.close(), operators.close(), admin.end()]);
    await database.drop();
  });

  const signUp = async (email: string) => {
    const result = await app.users.signUpWithPassword({ email, passwordHash: 'h' });
    assert.ok(result.created);
    return result;
  };
  const join = (tenantId: string, userId: string, role: string) =>
    admin.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [tenantId, userId, role]);
  const erase = (identity: Identity, userId: string) =>
    identity.admin.eraseUser({ userId, operatorId: 'op_1', reason: 'asked to be forgotten' });
  const snapshot = async () => {
    const tables = ['users', 'memberships', 'tenants', 'audit_events', 'event_outbox', 'auth_flows'];
    return Promise.all(tables.map(async (table) => (await admin.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows));
  };

  it('the application role can neither scrub audit rows nor erase', async () => {
    const { userId } = await signUp('grace@example.com');
    await app.audit.record({ type: 'login.succeeded', userId, ip: '192.0.2.7' });
    const appClient = new pg.Client({ connectionString: database.appUrl });
    await appClient.connect();
    try {
      await assert.rejects(appClient.query('UPDATE audit_events SET ip = NULL WHERE user_id = $1', [userId]), {
        code: '42501',
      });
    } finally {
      await appClient.end();
    }
    await assert.rejects(erase(app, userId), { code: 'forbidden' });
    await assert.rejects(app.admin.erasableUser({ userId }), { code: 'forbidden' });
    assert.ok(await app.users.get({ userId }), 'the refused erasure rolled back');
  });

  it('refuses to leave a tenant with members and no owner, and changes nothing', async () => {
    const owner = await signUp('heidi@example.com');
    const member = await signUp('ivan@example.com');
    await join(owner.tenantId, member.userId, 'member');
    const before = await snapshot();
    await assert.rejects(operators.admin.erasableUser({ userId: owner.userId }), (error: Error) => {
      assert.equal((error as { code?: string }).code, 'conflict');
      assert.match(error.message, new RegExp(owner.tenantId));
      return true;
    });
    await assert.rejects(erase(operators, owner.userId), { code: 'conflict' });
    assert.deepEqual(await snapshot(), before);
  });

  it('erases the rows, deletes the tenants only they were in, and leaves a tombstone', async () => {
    const judy = await signUp('judy@example.com');
    const other = await signUp('ken@example.com');
    await join(other.tenantId, judy.userId, 'admin');
    await app.audit.record({ type: 'login.succeeded', userId: judy.userId, ip: '192.0.2.8', detail: { a: 'b' } });
    await app.flows.put({
      kind: 'email_code',
      id: randomBytes(16).toString('hex'),
      payload: { email: 'judy@example.com' },
      ttlSeconds: 60,
    });
    await admin.query(
      `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at)
       VALUES ($1, 'judy@example.com', 'member', $2, now() + interval '1 day')`,
      [other.tenantId, randomBytes(32)],
    );

    const erased = await erase(operators, judy.userId);
    assert.equal(erased?.outcome, 'erased');
    assert.deepEqual(erased.outcome === 'erased' && erased.removed.tenantsDeleted, [judy.tenantId]);
    assert.deepEqual(await operators.admin.erasureResidue({ userId: judy.userId, email: 'judy@example.com' }), []);

    const { rows: audit } = await admin.query('SELECT type, ip, detail FROM audit_events WHERE user_id = $1', [
      judy.userId,
    ]);
    assert.ok(audit.every((row) => row.ip === null));
    assert.deepEqual(
      audit.filter((row) => Object.keys(row.detail).length > 0),
      [{ type: 'user.erased', ip: null, detail: { operatorId: 'op_1', reason: 'asked to be forgotten' } }],
    );
    const { rows: outbox } = await admin.query('SELECT type, tenant_ids FROM event_outbox WHERE user_id = $1', [
      judy.userId,
    ]);
    assert.deepEqual(
      outbox.map((row) => row.type),
      ['user.deleted'],
    );
    assert.deepEqual([...outbox[0].tenant_ids].sort(), [judy.tenantId, other.tenantId].sort());
    assert.ok(await app.memberships.list({ tenantId: other.tenantId }));
    assert.equal(await app.memberships.find({ userId: other.userId, tenantId: other.tenantId }), 'owner');

    assert.deepEqual(await erase(operators, judy.userId), { outcome: 'already_erased' });
    assert.equal(await erase(operators, randomUUID()), null);
  });
});
