import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { purgedEpochTtlMs } from '@authscale/core';
import { createIdentity, type Identity, identityTables } from '@authscale/identity';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { type ErasureDependencies, eraseUser } from '../../src/admin/erase-user.ts';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { adminCommand } from '../fixtures/admin-command.ts';
import { joinByInvitation } from '../fixtures/join-by-invitation.ts';
import { asPrincipal, type Harness, internalApiToken, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

const _root = new URL('../../../../', import.meta.url).pathname;

/**
 * Erasure across the real stores: Postgres (as the operator role), the DynamoDB emulator and a
 * session replica. Each store is then read directly, not through the code under test.
 */
describe('erasing a user', () => {
  let harness: Harness;
  let operators: Identity;
  let deps: ErasureDependencies;
  let superuser: pg.Pool;
  let documents: DynamoDBDocumentClient;
  let helpers: ReturnType<typeof accountHelpers>;

  before(async () => {
    harness = await startOrchestrator();
    helpers = accountHelpers(harness);
    operators = createIdentity({ databaseUrl: harness.database.operatorUrl });
    deps = {
      identity: operators,
      sessions: harness.sessions,
      refreshTokens: harness.refreshTokens,
      apiKeys: harness.apiKeys,
    };
    superuser = new pg.Pool({ connectionString: harness.database.adminUrl, max: 2 });
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: harness.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
  });
  after(async () => {
    documents.destroy();
    await Promise.all([operators.close(), superuser.end()]);
    await harness.stop();
  });

  /** Every row of every identity table whose JSON mentions one of `needles`, as `table: row`. */
  const rowsMentioning = async (...needles: string[]) => {
    const found: Array<{ table: string; row: Record<string, unknown> }> = [];
    for (const table of identityTables) {
      const { rows } = await superuser.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(t) AS row FROM ${table} t`,
      );
      for (const { row } of rows)
        if (needles.some((needle) => JSON.stringify(row).includes(needle))) found.push({ table, row });
    }
    return found;
  };
  const itemsMentioning = async (needle: string) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({ TableName: harness.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []).filter((item) => JSON.stringify(item).includes(needle)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };
  const signIn = async (email: string, password: string) => {
    const response = await helpers.login(email, password);
    assert.equal(response.statusCode, 200, response.body);
    const cookie = /__Host-authscale_session=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1];
    assert.ok(cookie);
    return { ...(response.json() as { refreshToken: string; sessionId: string }), cookie };
  };
  const tenantOf = async (userId: string) => (await harness.identity.memberships.defaultTenant({ userId })) as string;
  const createKey = async (userId: string, tenantId: string) => {
    const response = await helpers.call('POST', `/api/tenants/${tenantId}/api-keys`, await helpers.fresh(userId), {
      name: 'ci',
      scopes: ['projects:read'],
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { key: string; keyId: string };
  };

  it('leaves no row, item or key of the user in any store, and a tombstone in the audit trail', async () => {
    const erin = await helpers.signUp();
    const owner = await helpers.signUp();
    const [erinTenant, sharedTenant] = [await tenantOf(erin.userId), await tenantOf(owner.userId)];
    const laptop = await signIn(erin.email, erin.password);
    const phone = await signIn(erin.email, erin.password);
    const rotated = await helpers.call('POST', '/auth/token/refresh', {}, { refreshToken: phone.refreshToken });
    assert.equal(rotated.statusCode, 200);
    await helpers.enrolTotp(erin.userId);
    await helpers.registerPasskey(erin.userId);
    await joinByInvitation(harness, { tenantId: sharedTenant, inviterId: owner.userId, invitee: erin, role: 'admin' });
    // A pending invitation to their address from a third tenant, and an endpoint they set up.
    const third = await helpers.signUp();
    const invited = await helpers.call(
      'POST',
      `/api/tenants/${await tenantOf(third.userId)}/invitations`,
      await helpers.fresh(third.userId),
      { email: erin.email, role: 'member' },
    );
    assert.equal(invited.statusCode, 202);
    await superuser.query(
      `INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, secret_ciphertext, created_by)
       VALUES ($1, $2, 'https://hooks.example.com/x', '{user.created}', 'sealed', $3)`,
      [randomUUID(), sharedTenant, erin.userId],
    );
    const ownKey = await createKey(erin.userId, erinTenant);
    const sharedKey = await createKey(erin.userId, sharedTenant);
    const ownersKey = await createKey(owner.userId, sharedTenant);
    const project = await helpers.call(
      'POST',
      '/api/projects',
      await asPrincipal({ userId: erin.userId, tenantId: erinTenant }),
      { name: 'Erin’s project' },
    );
    assert.equal(project.statusCode, 201, project.body);
    assert.ok((await rowsMentioning(erin.userId, erin.email)).length > 0);
    assert.ok((await itemsMentioning(erin.userId)).length > 0);

    const report = await eraseUser(deps, { userId: erin.userId, operator: { id: 'key_ops_1' }, reason: 'ticket 42' });
    assert.equal(report.outcome, 'erased');
    assert.equal(report.verified, true);
    assert.deepEqual(report.removed.postgres?.tenantsDeleted, [erinTenant]);
    assert.deepEqual(report.removed.dynamodb, { families: 2, tokens: 3, apiKeysRevoked: 2 });
    assert.equal(report.removed.sessions.revoked, 2, 'her two live sessions, ended by the disable step');

    // Postgres: only the tombstones name the user, and nothing names their address.
    const left = await rowsMentioning(erin.userId, erin.email);
    assert.equal(left.filter(({ row }) => JSON.stringify(row).includes(erin.email)).length, 0);
    for (const { table, row } of left) {
      if (table === 'event_outbox') assert.equal(row.type, 'user.deleted');
      else {
        assert.equal(table, 'audit_events', JSON.stringify(row));
        assert.equal(row.ip, null);
        if (row.user_id === erin.userId && row.type !== 'user.erased') assert.deepEqual(row.detail, {});
      }
    }
    const tombstone = left.find(({ row }) => row.type === 'user.erased');
    assert.deepEqual(tombstone?.row.detail, { operatorId: 'key_ops_1', reason: 'ticket 42' });
    const tenants = (await superuser.query('SELECT id FROM tenants WHERE id = $1', [erinTenant])).rowCount;
    assert.equal(tenants, 0, 'their personal tenant went with its project');

    // DynamoDB: no item holds the id; the keys they created no longer verify, the owner's does.
    assert.deepEqual(await itemsMentioning(erin.userId), []);
    const verify = (key: string) =>
      harness.app.inject({
        method: 'POST',
        url: '/internal/api-keys/verify',
        headers: { authorization: `Bearer ${internalApiToken}` },
        payload: { key },
      });
    assert.equal((await verify(ownKey.key)).statusCode, 401);
    assert.equal((await verify(sharedKey.key)).statusCode, 401);
    assert.equal((await verify(ownersKey.key)).statusCode, 200);

    // Sessions: none, and at most the bumped epoch, expiring soon.
    assert.equal(await harness.sessions.validate(laptop.cookie), null);
    const footprint = await harness.sessions.footprint(erin.userId);
    assert.equal(footprint.sessions, 0);
    assert.ok(footprint.epochExpiresInMs === null || footprint.epochExpiresInMs <= purgedEpochTtlMs);
    assert.equal((await helpers.login(erin.email, erin.password)).statusCode, 401);

    // Again: nothing left to do, and it says so.
    const again = await eraseUser(deps, { userId: erin.userId, operator: { id: 'key_ops_1' }, reason: 'ticket 42' });
    assert.equal(again.outcome, 'already_erased');
    assert.equal(again.removed.postgres, null);
    assert.equal((await rowsMentioning(erin.userId)).length, left.length);
  });

  it('refuses the only owner of a tenant with other members, and changes nothing', async () => {
    const olga = await helpers.signUp();
    const member = await helpers.signUp();
    const tenantId = await tenantOf(olga.userId);
    await joinByInvitation(harness, { tenantId, inviterId: olga.userId, invitee: member, role: 'member' });
    const session = await signIn(olga.email, olga.password);
    const before = await rowsMentioning(olga.userId);
    const itemsBefore = await itemsMentioning(olga.userId);

    await assert.rejects(
      eraseUser(deps, { userId: olga.userId, operator: { id: 'k' }, reason: 'r' }),
      (error: Error) => {
        assert.equal((error as { code?: string }).code, 'conflict');
        assert.match(error.message, new RegExp(tenantId));
        return true;
      },
    );
    assert.deepEqual(await rowsMentioning(olga.userId), before);
    assert.deepEqual(await itemsMentioning(olga.userId), itemsBefore);
    assert.ok(await harness.sessions.validate(session.cookie));
    assert.equal(
      (await helpers.call('POST', '/auth/token/refresh', {}, { refreshToken: session.refreshToken })).statusCode,
      200,
    );
  });

  it('answers not_found for an id no user has or had', async () => {
    await assert.rejects(eraseUser(deps, { userId: randomUUID(), operator: { id: 'k' }, reason: 'r' }), {
      code: 'not_found',
    });
  });

  describe('the erase-user command', () => {
    const admin = (databaseUrl: string, ...args: string[]) => adminCommand(harness, databaseUrl)(...args);

    it('erases over the operator role and refuses, changing nothing, over the services’ role', async () => {
      const tom = await helpers.signUp();
      const session = await signIn(tom.email, tom.password);
      await assert.rejects(
        admin(harness.database.appUrl, 'erase-user', tom.userId, '--reason', 'request 7'),
        /"error":"forbidden"/,
      );
      assert.ok(await harness.sessions.validate(session.cookie), 'the refusal came before any change');

      const output = JSON.parse(
        await admin(harness.database.operatorUrl, 'erase-user', tom.userId, '--reason', 'request 7'),
      );
      assert.equal(output.erased, true);
      assert.equal(output.outcome, 'erased');
      assert.equal(output.verified, true);
      assert.equal(await harness.sessions.validate(session.cookie), null);
      await assert.rejects(admin(harness.database.operatorUrl, 'erase-user', tom.userId), /usage: admin/);
    });
  });
});
