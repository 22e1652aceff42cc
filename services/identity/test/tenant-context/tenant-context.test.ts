import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createService } from '@authscale/core';
import { sharedServers } from '@authscale/testkit';
import type { FastifyInstance } from 'fastify';
import { createIdentity, type Identity, tenantContext } from '../../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';

describe('the tenant-context plugin', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;
  let app: FastifyInstance;
  let alice: { userId: string; tenantId: string };
  let bob: { userId: string; tenantId: string };

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl });
    const a = await identity.users.signUpWithPassword({ email: 'alice@example.com', passwordHash: 'x' });
    const b = await identity.users.signUpWithPassword({ email: 'bob@example.com', passwordHash: 'x' });
    assert.ok(a.created && b.created);
    alice = a;
    bob = b;
    await identity.withTenant(bob.tenantId, (scope) => scope.projects.create({ name: 'bob-only' }));

    app = await createService({ name: 'test', logLevel: 'silent' });
    // Stands in for request authentication: the caller's ids arrive in test headers.
    await app.register(tenantContext, {
      identity,
      currentCaller: (request) => {
        const keyTenant = request.headers['x-test-key-tenant'];
        if (typeof keyTenant === 'string') return { kind: 'api_key', tenantId: keyTenant };
        const userId = request.headers['x-test-user'];
        const tenantId = request.headers['x-test-session-tenant'];
        return typeof userId === 'string' ? { userId, ...(typeof tenantId === 'string' ? { tenantId } : {}) } : null;
      },
    });
    app.get('/projects', { config: { tenant: true } }, async (request) => ({
      tenant: request.tenant,
      projects: await request.withTenant((scope) => scope.projects.list()),
    }));
    app.get('/untenanted', async (request) => request.withTenant(async () => 'never'));
    app.get('/caller', { config: { tenant: true } }, async (request) => ({ user: request.tenantUser }));
    await app.ready();
  });

  after(async () => {
    await app.close();
    await identity.close();
    await database.drop();
  });

  const get = (headers: Record<string, string>, url = '/projects') => app.inject({ method: 'GET', url, headers });

  it("uses the session's tenant when no header names one", async () => {
    const response = await get({ 'x-test-user': alice.userId, 'x-test-session-tenant': alice.tenantId });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { tenant: { id: alice.tenantId, role: 'owner' }, projects: [] });
  });

  it('prefers X-Tenant-Id over the session tenant', async () => {
    const response = await get({
      'x-test-user': bob.userId,
      'x-test-session-tenant': alice.tenantId,
      'x-tenant-id': bob.tenantId,
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response.json().projects.map((project: { name: string }) => project.name),
      ['bob-only'],
    );
  });

  it('refuses a tenant the caller is not a member of, with 403 and no data', async () => {
    const response = await get({ 'x-test-user': alice.userId, 'x-tenant-id': bob.tenantId });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'forbidden');
  });

  it('refuses a session tenant the caller has since left', async () => {
    const response = await get({ 'x-test-user': alice.userId, 'x-test-session-tenant': bob.tenantId });
    assert.equal(response.statusCode, 403);
  });

  it('answers 400 for a malformed tenant id and when no tenant is known', async () => {
    const malformed = await get({ 'x-test-user': alice.userId, 'x-tenant-id': "1' OR '1'='1" });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'invalid_request');
    const none = await get({ 'x-test-user': alice.userId });
    assert.equal(none.statusCode, 400);
  });

  it('binds an API key to its own tenant: no membership needed, no role, any other tenant 403', async () => {
    const own = await get({ 'x-test-key-tenant': bob.tenantId });
    assert.equal(own.statusCode, 200);
    assert.deepEqual(own.json(), {
      tenant: { id: bob.tenantId, role: null },
      projects: [{ id: own.json().projects[0].id, name: 'bob-only', createdAt: own.json().projects[0].createdAt }],
    });
    const named = await get({ 'x-test-key-tenant': bob.tenantId, 'x-tenant-id': alice.tenantId });
    assert.equal(named.statusCode, 403);
    assert.equal(named.json().error.code, 'forbidden');
  });

  it('hands the route the user record read with the membership; none for an API key', async () => {
    const member = await get({ 'x-test-user': alice.userId, 'x-tenant-id': alice.tenantId }, '/caller');
    assert.deepEqual(member.json(), { user: { id: alice.userId, email: 'alice@example.com' } });
    const key = await get({ 'x-test-key-tenant': bob.tenantId }, '/caller');
    assert.deepEqual(key.json(), { user: null });
  });

  it('answers 401 without a caller', async () => {
    const response = await get({ 'x-tenant-id': alice.tenantId });
    assert.equal(response.statusCode, 401);
  });

  it('withTenant on a route without config.tenant fails closed', async () => {
    const response = await get({ 'x-test-user': alice.userId, 'x-tenant-id': alice.tenantId }, '/untenanted');
    assert.equal(response.statusCode, 500);
    assert.equal(response.json().error.code, 'internal');
  });

  it('validates its options at registration', async () => {
    const bad = await createService({ name: 'test', logLevel: 'silent' });
    await assert.rejects(async () => {
      await bad.register(tenantContext, { identity, currentCaller: 'nope' as never });
    }, /authscale-tenant-context: options.currentCaller/);
    await bad.close();
  });
});
