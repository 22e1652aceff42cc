import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminApiHarness, startAdminApi } from '../fixtures/admin-api-harness.ts';
import { adminCommand } from '../fixtures/admin-command.ts';

describe('the operator key commands', () => {
  let harness: AdminApiHarness;
  let admin: ReturnType<typeof adminCommand>;

  before(async () => {
    harness = await startAdminApi();
    admin = adminCommand(harness.orchestrator);
  });
  after(() => harness.stop());

  const whoAmI = (key: string) =>
    harness.app.inject({ method: 'GET', url: '/admin/users?limit=1', headers: { authorization: `Bearer ${key}` } });

  it('mints a key shown once that the admin API accepts, lists it without the secret, and revokes it', async () => {
    const created = JSON.parse(
      await admin('create-operator-key', '--operator', 'alice@ops.example', '--scope', 'users:read', '--days', '7'),
    );
    assert.equal(created.created, true);
    assert.match(created.key, /^aso_/);
    assert.deepEqual(created.scopes, ['users:read']);
    assert.equal((await whoAmI(created.key)).statusCode, 200);

    const listed = JSON.parse(await admin('list-operator-keys'));
    const entry = listed.keys.find((key: { keyId: string }) => key.keyId === created.keyId);
    assert.equal(entry.operator, 'alice@ops.example');
    assert.ok(!JSON.stringify(listed).includes(created.key), 'the key itself is never listed');

    assert.equal(JSON.parse(await admin('revoke-operator-key', created.keyId)).revoked, true);
    assert.equal((await whoAmI(created.key)).statusCode, 401);
    await assert.rejects(admin('revoke-operator-key', created.keyId), /"error":"not_found"/);
  });

  it('refuses an unknown scope, a missing holder and a lifetime out of range', async () => {
    await assert.rejects(admin('create-operator-key', '--operator', 'x', '--scope', 'everything'), /usage: admin/);
    await assert.rejects(admin('create-operator-key', '--scope', 'users:read'), /usage: admin/);
    await assert.rejects(
      admin('create-operator-key', '--operator', 'x', '--scope', 'users:read', '--days', '400'),
      /operator keys live 1 to 365 days/,
    );
  });
});
