import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { joinByInvitation } from '../fixtures/join-by-invitation.ts';
import {
  asPrincipal,
  type Harness,
  internalApiToken,
  internalApiTokenRotation,
  startOrchestrator,
} from '../fixtures/orchestrator-harness.ts';

const password = 'a perfectly long passphrase';
type Role = 'owner' | 'admin' | 'member' | 'outsider';
interface Account {
  userId: string;
  tenantId: string;
  email: string;
}

/**
 * API keys through the real orchestrator, DynamoDB emulator and database: the tenant routes by
 * role, the internal verify API the edge calls, scopes on the projects routes, last-used throttling.
 */
describe('tenant API keys', () => {
  let harness: Harness;
  let seq = 0;
  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  const signUp = async (name: string): Promise<Account> => {
    const email = `${name}-${++seq}@example.com`;
    const response = await harness.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email, password },
    });
    assert.equal(response.statusCode, 201);
    return { ...response.json(), email };
  };
  /** As a user who just signed in, whose session is in their personal tenant. */
  const call = async (
    who: { userId: string; tenantId?: string },
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    kind: 'session' | 'api_key' = 'session',
    authTime = Math.floor(Date.now() / 1000),
  ) =>
    harness.app.inject({
      method,
      url,
      headers: await asPrincipal({
        userId: who.userId,
        ...(who.tenantId ? { tenantId: who.tenantId } : {}),
        kind,
        authTime,
      }),
      ...(payload === undefined ? {} : { payload }),
    });
  const verify = (key: string, token = internalApiToken) =>
    harness.app.inject({
      method: 'POST',
      url: '/internal/api-keys/verify',
      headers: { authorization: `Bearer ${token}` },
      payload: { key },
    });
  /** The principal the edge asserts for a verified key. */
  const asKey = async (verified: { keyId: string; tenantId: string; scopes: string[] }) =>
    asPrincipal({
      userId: verified.keyId,
      sessionId: verified.keyId,
      tenantId: verified.tenantId,
      amr: [],
      acr: 'api_key',
      authTime: 0,
      kind: 'api_key',
      scopes: verified.scopes,
    });

  const team = async () => {
    const owner = await signUp('owner');
    const [admin, member, outsider] = await Promise.all([signUp('admin'), signUp('member'), signUp('outsider')]);
    const tenantId: string = (await call(owner, 'POST', '/api/tenants', { name: 'Acme' })).json().id;
    for (const [who, role] of [
      [admin, 'admin'],
      [member, 'member'],
    ] as const) {
      await joinByInvitation(harness, { tenantId, inviterId: owner.userId, invitee: who, role });
    }
    const actors: Record<Role, Account> = { owner, admin, member, outsider };
    return { tenantId, actors };
  };
  const createKey = async (who: Account, tenantId: string, scopes = ['projects:read'], name = 'ci') => {
    const response = await call(who, 'POST', `/api/tenants/${tenantId}/api-keys`, { name, scopes });
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { key: string; keyId: string; scopes: string[]; lastUsedAt: null };
  };

  it('owners and admins create, list and revoke; members, outsiders and API keys get 403', async () => {
    const { tenantId, actors } = await team();
    const url = `/api/tenants/${tenantId}/api-keys`;
    for (const role of ['owner', 'admin', 'member', 'outsider'] as const) {
      const allowed = role === 'owner' || role === 'admin';
      const created = await call(actors[role], 'POST', url, { name: `by ${role}`, scopes: ['projects:read'] });
      assert.equal(created.statusCode, allowed ? 201 : 403, `${role} creates`);
      const listed = await call(actors[role], 'GET', url);
      assert.equal(listed.statusCode, allowed ? 200 : 403, `${role} lists`);
    }
    const victim = await createKey(actors.owner, tenantId, ['projects:read'], 'victim');
    for (const role of ['member', 'outsider'] as const) {
      const revoked = await call(actors[role], 'DELETE', `${url}/${victim.keyId}`);
      assert.equal(revoked.statusCode, 403, `${role} revokes`);
    }
    // Even a principal naming the owner's user id is refused when it is a key.
    assert.equal((await call(actors.owner, 'GET', url, undefined, 'api_key')).statusCode, 403);
    assert.equal((await call(actors.owner, 'DELETE', `${url}/${victim.keyId}`, undefined, 'api_key')).statusCode, 403);
    for (const role of ['owner', 'admin'] as const) {
      const key = await createKey(actors.owner, tenantId);
      assert.equal((await call(actors[role], 'DELETE', `${url}/${key.keyId}`)).statusCode, 204, `${role} revokes`);
    }
    assert.equal((await verify(victim.key)).statusCode, 200, 'the refused revocations changed nothing');
    const names = (await call(actors.admin, 'GET', url)).json().apiKeys.map((k: { name: string }) => k.name);
    assert.deepEqual(names.sort(), ['by admin', 'by owner', 'victim']);
  });

  it('shows the key once: listing and the audit log never reveal the key or its hash', async () => {
    const owner = await signUp('shy');
    const created = await createKey(owner, owner.tenantId, ['projects:write', 'projects:read'], 'deploy bot');
    assert.match(created.key, /^ask_[A-Za-z0-9_-]{43}$/);
    assert.match(created.keyId, /^ak_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(created.scopes, ['projects:read', 'projects:write']);
    const hash = createHash('sha256').update(created.key).digest('base64url');
    const listed = await call(owner, 'GET', `/api/tenants/${owner.tenantId}/api-keys`);
    assert.equal(listed.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(listed.json().apiKeys[0]).sort(), [
      'createdAt',
      'expiresAt',
      'keyId',
      'lastUsedAt',
      'name',
      'scopes',
    ]);
    const audit = await call(owner, 'GET', `/api/tenants/${owner.tenantId}/audit-events`);
    for (const body of [listed.body, audit.body]) {
      assert.ok(!body.includes(created.key.slice(4)), 'no secret');
      assert.ok(!body.includes(hash), 'no hash');
    }
    const types = audit.json().events.map((e: { type: string }) => e.type);
    assert.ok(types.includes('api_key.created'));
  });

  it('validates bodies and ids: fixed scopes only, a name, no extra fields', async () => {
    const owner = await signUp('strict');
    const url = `/api/tenants/${owner.tenantId}/api-keys`;
    for (const payload of [
      { name: 'x', scopes: ['projects:admin'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['projects:read', 'projects:read'] },
      { name: ' ', scopes: ['projects:read'] },
      { name: 'c\u0000i', scopes: ['projects:read'] },
      { scopes: ['projects:read'] },
      { name: 'x', scopes: ['projects:read'], tenantId: owner.tenantId },
      { name: 'x'.repeat(101), scopes: ['projects:read'] },
      { name: 'x', scopes: ['projects:read'], expiresInDays: 0 },
      { name: 'x', scopes: ['projects:read'], expiresInDays: 3651 },
      { name: 'x', scopes: ['projects:read'], expiresInDays: 1.5 },
    ]) {
      const response = await call(owner, 'POST', url, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.code, 'invalid_request');
    }
    assert.equal((await call(owner, 'DELETE', `${url}/not-a-key-id`)).statusCode, 400);
    const unknown = await call(owner, 'DELETE', `${url}/ak_AAAAAAAAAAAAAAAA`);
    assert.equal(unknown.json().error.code, 'not_found');
    // A key of another tenant cannot be revoked through this one, even by its id.
    const other = await signUp('other');
    const theirs = await createKey(other, other.tenantId);
    assert.equal((await call(owner, 'DELETE', `${url}/${theirs.keyId}`)).statusCode, 404);
    assert.equal((await verify(theirs.key)).statusCode, 200);
  });

  it('the internal verify API: internal token required, unknown and malformed keys 401, revocation at once', async () => {
    const owner = await signUp('verify');
    const created = await createKey(owner, owner.tenantId, ['projects:read']);
    assert.equal((await verify(created.key, randomBytes(32).toString('base64url'))).statusCode, 401);
    // While the token rotates, edges that restarted and edges that did not are both answered.
    for (const token of [internalApiTokenRotation.previous, internalApiTokenRotation.next]) {
      assert.equal((await verify(created.key, token)).statusCode, 200);
    }
    const unguarded = await harness.app.inject({
      method: 'POST',
      url: '/internal/api-keys/verify',
      payload: { key: created.key },
    });
    assert.equal(unguarded.statusCode, 401);
    const edgePrincipal = await harness.app.inject({
      method: 'POST',
      url: '/internal/api-keys/verify',
      headers: await asPrincipal({ userId: owner.userId }),
      payload: { key: created.key },
    });
    assert.equal(edgePrincipal.statusCode, 401, 'a principal is not the internal token');
    const ok = await verify(created.key);
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { keyId: created.keyId, tenantId: owner.tenantId, scopes: ['projects:read'] });
    for (const key of ['ask_short', `ask_${'A'.repeat(43)}`, `rt_${'A'.repeat(43)}`, created.key.toUpperCase()]) {
      const refused = await verify(key);
      assert.equal(refused.statusCode, 401, key);
      assert.equal(refused.json().error.code, 'unauthenticated');
    }
    const revoked = await call(owner, 'DELETE', `/api/tenants/${owner.tenantId}/api-keys/${created.keyId}`);
    assert.equal(revoked.statusCode, 204);
    assert.equal((await verify(created.key)).statusCode, 401, 'refused on the very next check');
    assert.equal(
      (await call(owner, 'DELETE', `/api/tenants/${owner.tenantId}/api-keys/${created.keyId}`)).statusCode,
      404,
    );
    assert.deepEqual((await call(owner, 'GET', `/api/tenants/${owner.tenantId}/api-keys`)).json().apiKeys, []);
    const audit = await call(owner, 'GET', `/api/tenants/${owner.tenantId}/audit-events`);
    const revokedEvent = audit.json().events.find((e: { type: string }) => e.type === 'api_key.revoked');
    assert.equal(revokedEvent?.detail.keyId, created.keyId);
    assert.equal(revokedEvent?.userId, owner.userId);
  });

  it("a key works on its tenant's projects within its scopes, and nowhere else", async () => {
    const alice = await signUp('alice');
    const bob = await signUp('bob');
    const readOnly = (await verify((await createKey(alice, alice.tenantId, ['projects:read'])).key)).json();
    const readWrite = (
      await verify((await createKey(alice, alice.tenantId, ['projects:read', 'projects:write'])).key)
    ).json();
    const projects = (headers: Record<string, string>, method: 'GET' | 'POST' = 'GET', extra = {}) =>
      harness.app.inject({
        method,
        url: '/api/projects',
        headers: { ...headers, ...extra },
        ...(method === 'POST' ? { payload: { name: 'from a key' } } : {}),
      });
    assert.equal((await call(bob, 'POST', '/api/projects', { name: 'bob-only' })).statusCode, 201);

    const created = await projects(await asKey(readWrite), 'POST');
    assert.equal(created.statusCode, 201);
    const listed = await projects(await asKey(readOnly));
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(
      listed.json().projects.map((p: { name: string }) => p.name),
      ['from a key'],
    );
    const denied = await projects(await asKey(readOnly), 'POST');
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'forbidden');
    const writeOnly = await projects(await asKey({ ...readWrite, scopes: ['projects:write'] }));
    assert.equal(writeOnly.statusCode, 403, 'write does not imply read');

    // Tenant A's key against tenant B: refused like a non-member, and B's rows stay unseen.
    const crossed = await projects(await asKey(readWrite), 'GET', { 'x-tenant-id': bob.tenantId });
    assert.equal(crossed.statusCode, 403);
    const forged = await projects(await asKey({ ...readWrite, tenantId: bob.tenantId }), 'GET', {
      'x-tenant-id': alice.tenantId,
    });
    assert.equal(forged.statusCode, 403);
    // Routes that name no scope refuse keys whatever their scopes.
    for (const url of ['/me', '/api/tenants', '/auth/sessions', `/api/tenants/${alice.tenantId}/members`]) {
      const response = await harness.app.inject({ method: 'GET', url, headers: await asKey(readWrite) });
      assert.equal(response.statusCode, 403, url);
    }
    // Users keep full access by role: no scopes involved.
    assert.equal((await call(alice, 'POST', '/api/projects', { name: 'by alice' })).statusCode, 201);
  });

  it('a key created to expire works until then, and is refused and unlisted after', async () => {
    const owner = await signUp('expiring');
    const url = `/api/tenants/${owner.tenantId}/api-keys`;
    const created = await call(owner, 'POST', url, { name: 'ci', scopes: ['projects:read'], expiresInDays: 30 });
    assert.equal(created.statusCode, 201);
    const expiresAt = Date.parse(created.json().expiresAt);
    assert.ok(Math.abs(expiresAt - (Date.now() + 30 * 24 * 3_600_000)) < 60_000, created.json().expiresAt);
    const forever = await createKey(owner, owner.tenantId);
    assert.equal((await verify(created.json().key)).statusCode, 200);

    harness.clock.offsetMs += 30 * 24 * 3_600_000 + 1_000;
    try {
      assert.equal((await verify(created.json().key)).statusCode, 401);
      assert.equal((await verify(forever.key)).statusCode, 200, 'a key of the default lifetime lives on');
      const listed = (await call(owner, 'GET', url)).json().apiKeys.map((key: { keyId: string }) => key.keyId);
      assert.deepEqual(listed, [forever.keyId]);
    } finally {
      harness.clock.offsetMs -= 30 * 24 * 3_600_000 + 1_000;
    }
  });

  it('a key minted before keys had lifetimes lives the longest lifetime from its creation, not forever', async () => {
    const owner = await signUp('legacy');
    const url = `/api/tenants/${owner.tenantId}/api-keys`;
    const legacy = await createKey(owner, owner.tenantId);
    // As such a key is stored: no validUntil, no TTL, minted 364 days ago.
    const minted = Date.now() - 364 * 86_400_000;
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: harness.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    await documents.send(
      new UpdateCommand({
        TableName: harness.tableName,
        Key: { pk: `APIKEY#${createHash('sha256').update(legacy.key).digest('base64url')}`, sk: 'APIKEY' },
        UpdateExpression: 'SET createdAt = :minted REMOVE validUntil, expiresAt',
        ExpressionAttributeValues: { ':minted': minted },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    documents.destroy();
    assert.equal((await verify(legacy.key)).statusCode, 200);
    const listed = (await call(owner, 'GET', url)).json().apiKeys;
    assert.equal(listed[0].expiresAt, new Date(minted + 365 * 86_400_000).toISOString());

    harness.clock.offsetMs += 2 * 86_400_000;
    try {
      assert.equal((await verify(legacy.key)).statusCode, 401);
      assert.deepEqual((await call(owner, 'GET', url)).json().apiKeys, []);
    } finally {
      harness.clock.offsetMs -= 2 * 86_400_000;
    }
  });

  it('records last use at most once a minute per key, one write among concurrent uses', async () => {
    const owner = await signUp('busy');
    const created = await createKey(owner, owner.tenantId);
    const lastUsed = async () =>
      (await call(owner, 'GET', `/api/tenants/${owner.tenantId}/api-keys`)).json().apiKeys[0].lastUsedAt as
        | string
        | null;
    assert.equal(await lastUsed(), null);
    assert.equal((await verify(created.key)).statusCode, 200);
    const first = await lastUsed();
    assert.ok(first);
    for (let i = 0; i < 5; i++) assert.equal((await verify(created.key)).statusCode, 200);
    assert.equal(await lastUsed(), first, 'uses within the window do not write');

    harness.clock.offsetMs += 61_000;
    try {
      // Every concurrent use read the old value; the conditional write lets exactly one through.
      const live = await harness.apiKeys.verify(created.key);
      assert.ok(live);
      const writes = await Promise.all(Array.from({ length: 8 }, () => harness.apiKeys.recordUse(live)));
      assert.equal(writes.filter(Boolean).length, 1);
      const second = await lastUsed();
      assert.ok(second && second > first);
      assert.equal((await verify(created.key)).statusCode, 200);
      assert.equal(await lastUsed(), second);
    } finally {
      harness.clock.offsetMs -= 61_000;
    }
  });

  it('step-up gap: minting a key needs a recent sign-in', async () => {
    const { tenantId, actors } = await team();
    const url = `/api/tenants/${tenantId}/api-keys`;
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const refused = await call(
      actors.owner,
      'POST',
      url,
      { name: 'late', scopes: ['projects:read'] },
      'session',
      stale,
    );
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'step_up_required');
  });

  it('a key expires in 90 days unless told otherwise, and never later than 365', async () => {
    const { tenantId, actors } = await team();
    const url = `/api/tenants/${tenantId}/api-keys`;
    const created = await call(actors.owner, 'POST', url, { name: 'default', scopes: ['projects:read'] });
    const days = (Date.parse(created.json().expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 89.9 && days <= 90, `${days} days`);
    const tooLong = await call(actors.owner, 'POST', url, {
      name: 'forever',
      scopes: ['projects:read'],
      expiresInDays: 366,
    });
    assert.equal(tooLong.statusCode, 400);
  });

  it('a key stops working when its creator is demoted, leaves the tenant or is disabled', async () => {
    for (const exit of ['demoted', 'removed', 'disabled'] as const) {
      const { tenantId, actors } = await team();
      const key = await createKey(actors.admin, tenantId);
      assert.equal((await verify(key.key)).statusCode, 200, `${exit}: before`);
      const member = `/api/tenants/${tenantId}/members/${actors.admin.userId}`;
      if (exit === 'demoted')
        assert.equal((await call(actors.owner, 'PATCH', member, { role: 'member' })).statusCode, 200);
      if (exit === 'removed') assert.equal((await call(actors.owner, 'DELETE', member)).statusCode, 204);
      if (exit === 'disabled') {
        const admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
        await admin.query('UPDATE users SET disabled_at = now() WHERE id = $1', [actors.admin.userId]);
        await admin.end();
      }
      assert.equal((await verify(key.key)).statusCode, 401, `${exit}: after`);
    }
  });
});
