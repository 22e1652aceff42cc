import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type Identity } from '../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../src/testing/index.ts';

describe('row-level security on tenant-scoped tables', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;
  let app: pg.Client;
  let tenantA: string;
  let tenantB: string;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl });
    const alice = await identity.users.signUpWithPassword({ email: 'alice@example.com', passwordHash: 'x' });
    const bob = await identity.users.signUpWithPassword({ email: 'bob@example.com', passwordHash: 'x' });
    assert.ok(alice.created && bob.created);
    tenantA = alice.tenantId;
    tenantB = bob.tenantId;
    await identity.withTenant(tenantA, (scope) => scope.projects.create({ name: 'alpha' }));
    await identity.withTenant(tenantB, (scope) => scope.projects.create({ name: 'bravo' }));
    app = new pg.Client({ connectionString: database.appUrl });
    await app.connect();
  });

  after(async () => {
    await app.end();
    await identity.close();
    await database.drop();
  });

  it('lists only the current tenant through the identity module', async () => {
    const a = await identity.withTenant(tenantA, (scope) => scope.projects.list());
    const b = await identity.withTenant(tenantB, (scope) => scope.projects.list());
    assert.deepEqual(
      a.map((project) => project.name),
      ['alpha'],
    );
    assert.deepEqual(
      b.map((project) => project.name),
      ['bravo'],
    );
  });

  it('an unfiltered SELECT * as the application role sees only the tenant set in the transaction', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
    const { rows } = await app.query('SELECT * FROM projects');
    await app.query('COMMIT');
    assert.deepEqual(
      rows.map((row) => [row.name, row.tenant_id]),
      [['alpha', tenantA]],
    );
  });

  it('with no tenant set, the application role sees zero rows', async () => {
    const { rows } = await app.query('SELECT * FROM projects');
    assert.equal(rows.length, 0);
  });

  it('the tenant setting does not outlive its transaction', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
    await app.query('COMMIT');
    const { rows } = await app.query('SELECT * FROM projects');
    assert.equal(rows.length, 0);
  });

  it('refuses to write a row into another tenant', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
    await assert.rejects(app.query(`INSERT INTO projects (tenant_id, name) VALUES ($1, 'sneaky')`, [tenantB]), {
      code: '42501',
    });
    await app.query('ROLLBACK');
  });

  it('cannot update or delete another tenant’s rows', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
    const updated = await app.query(`UPDATE projects SET name = 'taken' WHERE tenant_id = $1`, [tenantB]);
    const deleted = await app.query('DELETE FROM projects WHERE tenant_id = $1', [tenantB]);
    await app.query('COMMIT');
    assert.equal(updated.rowCount, 0);
    assert.equal(deleted.rowCount, 0);
    const b = await identity.withTenant(tenantB, (scope) => scope.projects.list());
    assert.deepEqual(
      b.map((project) => project.name),
      ['bravo'],
    );
  });

  it('cannot move a row to another tenant', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
    await assert.rejects(app.query('UPDATE projects SET tenant_id = $1', [tenantB]), { code: '42501' });
    await app.query('ROLLBACK');
  });

  it('cannot switch off row-level security', async () => {
    await assert.rejects(app.query('ALTER TABLE projects DISABLE ROW LEVEL SECURITY'), { code: '42501' });
    await assert.rejects(app.query('SET row_security = off; SELECT * FROM projects'), { code: '42501' });
  });

  it('the owner role is subject to the policy too (FORCE ROW LEVEL SECURITY)', async () => {
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query('SELECT * FROM projects');
      assert.equal(rows.length, 0);
    } finally {
      await owner.end();
    }
  });

  it('a failure inside withTenant rolls the whole transaction back', async () => {
    await assert.rejects(
      identity.withTenant(tenantA, async (scope) => {
        await scope.projects.create({ name: 'half-done' });
        await scope.projects.create({ name: '' });
      }),
      { code: 'invalid_request' },
    );
    const a = await identity.withTenant(tenantA, (scope) => scope.projects.list());
    assert.ok(!a.some((project) => project.name === 'half-done'));
  });

  it('the operator role reads every tenant’s audit trail; the application role, with no tenant set, none', async () => {
    await identity.audit.record({ type: 'tenant.created', tenantId: tenantA });
    await identity.audit.record({ type: 'tenant.created', tenantId: tenantB });
    const operator = new pg.Client({ connectionString: database.operatorUrl });
    await operator.connect();
    try {
      const { rows } = await operator.query(
        `SELECT tenant_id FROM audit_events WHERE type = 'tenant.created' AND detail = '{}'`,
      );
      assert.deepEqual(rows.map((row) => row.tenant_id).sort(), [tenantA, tenantB].sort());
      // A member of the application role: the services' own grants come with it.
      const users = await operator.query('SELECT count(*)::int AS count FROM users');
      assert.equal(users.rows[0].count, 2);
    } finally {
      await operator.end();
    }
    const appSees = await app.query(`SELECT * FROM audit_events WHERE type = 'tenant.created' AND detail = '{}'`);
    assert.equal(appSees.rowCount, 0);
  });
});
