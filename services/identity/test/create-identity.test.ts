import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type Identity } from '../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../src/testing/index.ts';

describe('the identity module', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl });
  });
  after(async () => {
    await identity.close();
    await database.drop();
  });

  it('signs up a user with a personal tenant they own', async () => {
    const result = await identity.users.signUpWithPassword({ email: ' Carol@Example.com ', passwordHash: 'h1' });
    assert.ok(result.created);
    assert.deepEqual(await identity.users.get({ userId: result.userId }), {
      id: result.userId,
      email: 'carol@example.com',
    });
    assert.equal(await identity.memberships.find({ userId: result.userId, tenantId: result.tenantId }), 'owner');
    assert.equal(await identity.memberships.defaultTenant({ userId: result.userId }), result.tenantId);
    assert.deepEqual(await identity.users.findPasswordLogin({ email: 'CAROL@example.com' }), {
      userId: result.userId,
      passwordHash: 'h1',
    });
  });

  it('a second signup with the same email changes nothing', async () => {
    const first = await identity.users.signUpWithPassword({ email: 'dave@example.com', passwordHash: 'original' });
    const second = await identity.users.signUpWithPassword({ email: 'DAVE@example.com', passwordHash: 'attacker' });
    assert.ok(first.created);
    assert.deepEqual(second, { created: false, userId: first.userId });
    assert.equal((await identity.users.findPasswordLogin({ email: 'dave@example.com' }))?.passwordHash, 'original');
  });

  it('concurrent signups with one email create exactly one user', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        identity.users.signUpWithPassword({ email: 'erin@example.com', passwordHash: 'h' }),
      ),
    );
    assert.equal(results.filter((result) => result.created).length, 1);
  });

  it('a password change is compare-and-set: of two changes from the same hash only one wins', async () => {
    const { userId } = (await identity.users.signUpWithPassword({
      email: 'ivy.changes@example.com',
      passwordHash: 'h0',
    })) as {
      userId: string;
    };
    assert.equal(await identity.users.passwordHashOf({ userId }), 'h0');
    const results = await Promise.all(
      ['h1', 'h2'].map((passwordHash) =>
        identity.users.replacePasswordHash({ userId, previousHash: 'h0', passwordHash }),
      ),
    );
    assert.deepEqual(results.sort(), [false, true]);
    assert.match((await identity.users.passwordHashOf({ userId })) ?? '', /^h[12]$/);
    assert.equal(await identity.users.passwordHashOf({ userId: 'not-a-uuid' }), null);
  });

  it('an email change moves from the address it was asked from to a free one, and names the holder of a taken one', async () => {
    const frank = await identity.users.signUpWithPassword({ email: 'frank.moves@example.com', passwordHash: 'h' });
    const grace = await identity.users.signUpWithPassword({ email: 'grace.holds@example.com', passwordHash: 'h' });
    const from = 'frank.moves@example.com';
    assert.equal(await identity.users.findEmailHolder({ email: ' GRACE.HOLDS@example.com ' }), grace.userId);
    assert.equal(await identity.users.findEmailHolder({ email: 'frank.moved@example.com' }), null);
    assert.deepEqual(
      await identity.users.changeEmail({ userId: frank.userId, from, to: ' GRACE.HOLDS@example.com ' }),
      { changed: false, reason: 'taken', existingUserId: grace.userId },
    );
    assert.deepEqual(await identity.users.changeEmail({ userId: frank.userId, from, to: 'Frank.Moved@Example.com' }), {
      changed: true,
    });
    assert.equal((await identity.users.get({ userId: frank.userId }))?.email, 'frank.moved@example.com');
    // A second link mailed from the old address finds the account gone from it.
    assert.deepEqual(await identity.users.changeEmail({ userId: frank.userId, from, to: 'frank.third@example.com' }), {
      changed: false,
      reason: 'moved_on',
    });
  });

  it('answers null, not an error, for unknown or malformed ids', async () => {
    assert.equal(await identity.users.findPasswordLogin({ email: 'nobody@example.com' }), null);
    assert.equal(await identity.users.get({ userId: 'not-a-uuid' }), null);
    assert.equal(await identity.memberships.find({ userId: 'x', tenantId: 'y' }), null);
    await assert.rejects(
      identity.withTenant('not-a-uuid', async () => 0),
      { code: 'invalid_request' },
    );
  });

  it('appends audit events the application role cannot change, nor read outside a tenant', async () => {
    await identity.audit.record({ type: 'login.failed', ip: '203.0.113.7', detail: { reason: 'invalid_credentials' } });
    const app = new pg.Client({ connectionString: database.appUrl });
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await Promise.all([app.connect(), owner.connect()]);
    try {
      assert.deepEqual((await app.query('SELECT * FROM audit_events')).rows, []);
      await assert.rejects(app.query('UPDATE audit_events SET type = $1', ['x']), { code: '42501' });
      await assert.rejects(app.query('DELETE FROM audit_events'), { code: '42501' });
      const { rows } = await owner.query('SELECT type, host(ip) AS ip, detail FROM audit_events');
      assert.deepEqual(rows, [{ type: 'login.failed', ip: '203.0.113.7', detail: { reason: 'invalid_credentials' } }]);
    } finally {
      await Promise.all([app.end(), owner.end()]);
    }
  });

  it('reports an unreachable database as dependency_unavailable', async () => {
    const broken = createIdentity({ databaseUrl: 'postgres://authscale_app@127.0.0.1:1/none' });
    try {
      await assert.rejects(broken.ping(), { code: 'dependency_unavailable' });
      await assert.rejects(
        broken.withTenant('00000000-0000-4000-8000-000000000000', async () => 0),
        { code: 'dependency_unavailable' },
      );
    } finally {
      await broken.close();
    }
  });
});
