import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLoginThrottle } from '../../src/login-throttle/create-login-throttle.ts';
import { createRefreshTokenTable } from '../../src/refresh-tokens/create-refresh-token-table.ts';

const tableName = `throttle-${randomUUID()}`;

describe('the per-account login throttle', () => {
  let client: DynamoDBClient;
  let clock = Date.now();
  const throttle = () =>
    createLoginThrottle({ client, tableName, freeAttempts: 3, maxDelaySeconds: 60, now: () => clock });

  before(async () => {
    client = new DynamoDBClient({
      endpoint: (await sharedServers()).dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createRefreshTokenTable({ client, tableName });
  });

  it('allows the free attempts, then doubles the delay up to the cap', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await gate.attempt({ email }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email }), { allowed: false, retryAfterSeconds: 1 });
    clock += 1000;
    assert.deepEqual(await gate.attempt({ email }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email: email.toUpperCase() }), { allowed: false, retryAfterSeconds: 2 });
    clock += 2000;
    assert.deepEqual(await gate.attempt({ email }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email }), { allowed: false, retryAfterSeconds: 4 });
    // Never a permanent lock: the delay stops growing at the cap.
    for (let i = 0; i < 10; i += 1) {
      clock += 60_000;
      assert.deepEqual(await gate.attempt({ email }), { allowed: true });
    }
    assert.deepEqual(await gate.attempt({ email }), { allowed: false, retryAfterSeconds: 60 });
  });

  it('a success starts the account afresh', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) await gate.attempt({ email });
    await gate.succeeded({ email });
    assert.deepEqual(await gate.attempt({ email }), { allowed: true });
  });

  it('parallel attempts cannot slip past the limit', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    const decisions = await Promise.all(Array.from({ length: 25 }, () => gate.attempt({ email })));
    const allowed = decisions.filter((decision) => decision.allowed).length;
    assert.ok(allowed >= 1 && allowed <= 3, `${allowed} attempts got through`);
  });
});
