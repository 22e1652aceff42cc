import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRefreshTokenStore } from '../../src/refresh-tokens/create-refresh-token-store.ts';
import { createRefreshTokenTable } from '../../src/refresh-tokens/create-refresh-token-table.ts';

const tableName = `refresh-tokens-${randomUUID()}`;

describe('the refresh-token store', () => {
  let client: DynamoDBClient;
  let clock: number;
  const now = () => clock;

  const store = (options: { graceSeconds?: number; familyLifetimeSeconds?: number } = {}) =>
    createRefreshTokenStore({ client, tableName, now, ...options });

  const signIn = (tokens = store()) =>
    tokens.issue({
      sessionId: `session-${randomUUID()}`,
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
      authTime: Math.floor(clock / 1000),
    });

  before(async () => {
    client = new DynamoDBClient({
      endpoint: (await sharedServers()).dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createRefreshTokenTable({ client, tableName });
    clock = Date.now();
  });

  it('rotates: each use returns a new token and the family', async () => {
    const tokens = store();
    const { refreshToken } = await signIn(tokens);
    assert.match(refreshToken, /^rt_[A-Za-z0-9_-]{43}$/);
    const first = await tokens.rotate(refreshToken);
    assert.equal(first.outcome, 'rotated');
    assert.ok(first.outcome === 'rotated');
    assert.notEqual(first.refreshToken, refreshToken);
    assert.equal(first.family.acr, 'aal1');
    const second = await tokens.rotate(first.refreshToken);
    assert.ok(second.outcome === 'rotated');
    assert.notEqual(second.refreshToken, first.refreshToken);
  });

  it('spends nothing when the session check fails, so the same token works on a retry', async () => {
    const tokens = store({ graceSeconds: 0 });
    const { refreshToken } = await signIn(tokens);
    await assert.rejects(
      tokens.rotate(refreshToken, async () => {
        throw new Error('session layer unavailable');
      }),
      /session layer unavailable/,
    );
    clock += 60_000;
    const retry = await tokens.rotate(refreshToken);
    assert.equal(retry.outcome, 'rotated');
    assert.ok(retry.outcome === 'rotated' && !retry.repeated, 'the first exchange, not a replay');
  });

  it('revokes the family when its session has ended', async () => {
    const tokens = store();
    const { refreshToken } = await signIn(tokens);
    const ended = await tokens.rotate(refreshToken, async () => false);
    assert.equal(ended.outcome, 'session_ended');
    assert.deepEqual(await tokens.rotate(refreshToken), { outcome: 'invalid' });
  });

  it('concurrent refreshes of one token, across tasks, all get the same single successor', async () => {
    const tokens = store({ graceSeconds: 10 });
    const { refreshToken } = await signIn(tokens);
    // Four orchestrator tasks, each with its own DynamoDB client, five requests each.
    const endpoint = (await sharedServers()).dynamodb.endpoint;
    const tasks = Array.from({ length: 4 }, () =>
      createRefreshTokenStore({
        client: new DynamoDBClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
        tableName,
        graceSeconds: 10,
        now,
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (tasks[index % tasks.length] as typeof tokens).rotate(refreshToken)),
    );
    const successors = new Set(results.map((result) => (result.outcome === 'rotated' ? result.refreshToken : 'none')));
    assert.equal(successors.size, 1);
    assert.ok(!successors.has('none'));
    assert.equal(results.filter((result) => result.outcome === 'rotated' && !result.repeated).length, 1);
    // The one successor works, exactly once more.
    const [successor] = [...successors] as [string];
    const next = await tokens.rotate(successor);
    assert.ok(next.outcome === 'rotated' && !next.repeated);
  });

  it('a repeat inside the grace window gets the same successor', async () => {
    const tokens = store({ graceSeconds: 10 });
    const { refreshToken } = await signIn(tokens);
    const first = await tokens.rotate(refreshToken);
    clock += 9_000;
    const repeat = await tokens.rotate(refreshToken);
    clock -= 9_000;
    assert.ok(first.outcome === 'rotated' && repeat.outcome === 'rotated');
    assert.equal(repeat.refreshToken, first.refreshToken);
    assert.equal(repeat.repeated, true);
  });

  it('a repeat inside the grace window whose successor was already used is a replay (reuse detection)', async () => {
    const tokens = store({ graceSeconds: 10 });
    const { refreshToken: t0 } = await signIn(tokens);
    const t1 = await tokens.rotate(t0);
    assert.ok(t1.outcome === 'rotated');
    const t2 = await tokens.rotate(t1.refreshToken);
    assert.ok(t2.outcome === 'rotated' && !t2.repeated);
    clock += 2_000;
    try {
      // t0 is within its grace window, but t1 has been spent: handing it out again would let a
      // thief walk the chain to the live t2.
      assert.equal((await tokens.rotate(t0)).outcome, 'replayed');
      assert.deepEqual(await tokens.rotate(t2.refreshToken), { outcome: 'invalid' });
    } finally {
      clock -= 2_000;
    }
  });

  it('a replay after the grace window revokes the whole family', async () => {
    const tokens = store({ graceSeconds: 10 });
    const { refreshToken } = await signIn(tokens);
    const first = await tokens.rotate(refreshToken);
    assert.ok(first.outcome === 'rotated');
    clock += 11_000;
    try {
      const replay = await tokens.rotate(refreshToken);
      assert.equal(replay.outcome, 'replayed');
      // The legitimate holder's newer token dies with the family.
      assert.deepEqual(await tokens.rotate(first.refreshToken), { outcome: 'invalid' });
    } finally {
      clock -= 11_000;
    }
  });

  it('with no grace window any repeat is a replay', async () => {
    const tokens = store({ graceSeconds: 0 });
    const { refreshToken } = await signIn(tokens);
    await tokens.rotate(refreshToken);
    clock += 1;
    try {
      assert.equal((await tokens.rotate(refreshToken)).outcome, 'replayed');
    } finally {
      clock -= 1;
    }
  });

  it('checks the absolute expiry on read (TTL deletion is lazy)', async () => {
    const tokens = store({ familyLifetimeSeconds: 60 });
    const { refreshToken } = await signIn(tokens);
    clock += 61_000;
    try {
      assert.deepEqual(await tokens.rotate(refreshToken), { outcome: 'invalid' });
    } finally {
      clock -= 61_000;
    }
  });

  it('a revoked family refuses its tokens', async () => {
    const tokens = store();
    const sessionId = `session-${randomUUID()}`;
    const { refreshToken } = await tokens.issue({
      sessionId,
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
      authTime: 1,
    });
    await tokens.revokeFamily({ familyId: sessionId, reason: 'logout' });
    await tokens.revokeFamily({ familyId: sessionId, reason: 'logout' });
    await tokens.revokeFamily({ familyId: 'never-existed', reason: 'logout' });
    assert.deepEqual(await tokens.rotate(refreshToken), { outcome: 'invalid' });
  });

  it("revoking a user ends every family of theirs, rotated or not, and nobody else's", async () => {
    const tokens = store();
    const userId = randomUUID();
    const issue = (forUser: string) =>
      tokens.issue({
        sessionId: `session-${randomUUID()}`,
        userId: forUser,
        tenantId: randomUUID(),
        amr: ['pwd'],
        acr: 'aal1',
        authTime: 1,
      });
    const [first, second, someoneElse] = await Promise.all([issue(userId), issue(userId), issue(randomUUID())]);
    const rotated = await tokens.rotate(second.refreshToken);
    assert.ok(rotated.outcome === 'rotated');
    clock += 1;
    await tokens.revokeUser({ userId });
    await tokens.revokeUser({ userId });
    assert.deepEqual(await tokens.rotate(first.refreshToken), { outcome: 'invalid' });
    assert.deepEqual(await tokens.rotate(rotated.refreshToken), { outcome: 'invalid' });
    assert.equal((await tokens.rotate(someoneElse.refreshToken)).outcome, 'rotated');
  });

  it('answers invalid for unknown and malformed tokens', async () => {
    const tokens = store();
    for (const value of ['', 'rt_', `rt_${'A'.repeat(43)}`, 'x'.repeat(5000), 'eyJhbGciOiJFUzI1NiJ9.e30.sig']) {
      assert.deepEqual(await tokens.rotate(value), { outcome: 'invalid' });
    }
  });

  it('refuses a grace window outside 0..60 seconds at construction', () => {
    assert.throws(() => store({ graceSeconds: 3600 }), /graceSeconds/);
  });

  it('reports an unreachable DynamoDB as dependency_unavailable', async () => {
    const unreachable = createRefreshTokenStore({
      client: new DynamoDBClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      }),
      tableName,
    });
    await assert.rejects(unreachable.rotate(`rt_${'A'.repeat(43)}`), { code: 'dependency_unavailable' });
  });
});
