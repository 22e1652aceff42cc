import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EdgeClient, edgeClient } from './edge-client.ts';
import { startStack } from './start-stack.ts';

/**
 * API keys over HTTP through the whole topology (edge, orchestrator, session replica as separate
 * processes): the edge verifies each `ask_` bearer with the orchestrator, which acts for the key's
 * tenant within its scopes.
 */
describe('API keys through the edge', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let request: EdgeClient['request'];
  let account: () => ReturnType<EdgeClient['account']>;
  before(async () => {
    stack = await startStack();
    const client = edgeClient(stack.publicOrigin);
    request = client.request;
    account = () => client.account('keys');
  });
  after(() => stack.stop());

  it("a key acts in its tenant within its scopes, never in another tenant's, and dies when revoked", async () => {
    const alice = await account();
    const bob = await account();
    const keys = `/api/tenants/${alice.tenantId}/api-keys`;
    const create = async (scopes: string[]) => {
      const created = await request('POST', keys, { bearer: alice.accessToken, body: { name: 'ci', scopes } });
      assert.equal(created.status, 201);
      return created.body as { key: string; keyId: string };
    };
    const writer = await create(['projects:read', 'projects:write']);
    const reader = await create(['projects:read']);

    assert.equal((await request('POST', '/api/projects', { bearer: writer.key, body: { name: 'p1' } })).status, 201);
    const listed = await request('GET', '/api/projects', { bearer: reader.key });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.projects.map((p: { name: string }) => p.name),
      ['p1'],
    );
    const denied = await request('POST', '/api/projects', { bearer: reader.key, body: { name: 'p2' } });
    assert.equal(denied.status, 403);

    const crossed = await request('GET', '/api/projects', {
      bearer: writer.key,
      headers: { 'x-tenant-id': bob.tenantId },
    });
    assert.equal(crossed.status, 403);
    assert.equal((await request('GET', `/api/tenants/${bob.tenantId}/api-keys`, { bearer: writer.key })).status, 403);
    assert.equal((await request('GET', '/me', { bearer: writer.key })).status, 403);
    assert.equal(
      (await request('POST', keys, { bearer: writer.key, body: { name: 'x', scopes: ['projects:read'] } })).status,
      403,
    );

    for (const bad of ['ask_nope', `ask_${'A'.repeat(43)}`, `${writer.key}x`]) {
      assert.equal((await request('GET', '/api/projects', { bearer: bad })).status, 401, bad);
    }

    const listing = await request('GET', keys, { bearer: alice.accessToken });
    assert.equal(listing.status, 200);
    assert.ok(!listing.text.includes(writer.key.slice(4)));
    const used = listing.body.apiKeys.find((k: { keyId: string }) => k.keyId === writer.keyId);
    assert.ok(used.lastUsedAt, 'last use is recorded');

    assert.equal((await request('DELETE', `${keys}/${writer.keyId}`, { bearer: alice.accessToken })).status, 204);
    const afterRevoke = await request('GET', '/api/projects', { bearer: writer.key });
    assert.equal(afterRevoke.status, 401, 'refused on the very next request');
    assert.equal((await request('GET', '/api/projects', { bearer: reader.key })).status, 200);
  });
});
