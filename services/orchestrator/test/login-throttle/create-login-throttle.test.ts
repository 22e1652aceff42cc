import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLoginThrottle } from '../../src/login-throttle/create-login-throttle.ts';
import { createRefreshTokenTable } from '../../src/refresh-tokens/create-refresh-token-table.ts';

const tableName = `throttle-${randomUUID()}`;
const ip = '192.0.2.1';

describe('the login throttle', () => {
  let client: DynamoDBClient;
  let clock = Date.now();
  const throttle = (accountFreeAttempts = 6) =>
    createLoginThrottle({
      client,
      tableName,
      freeAttempts: 3,
      accountFreeAttempts,
      maxDelaySeconds: 60,
      now: () => clock,
    });

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
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: false, retryAfterSeconds: 1 });
    clock += 1000;
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email: email.toUpperCase(), ip }), { allowed: false, retryAfterSeconds: 2 });
    clock += 2000;
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: false, retryAfterSeconds: 4 });
    // Never a permanent lock: the delay stops growing at the cap.
    for (let i = 0; i < 10; i += 1) {
      clock += 60_000;
      assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
    }
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: false, retryAfterSeconds: 60 });
  });

  it('a success starts the account afresh', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) await gate.attempt({ email, ip });
    await gate.succeeded({ email, ip });
    assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
  });

  it('parallel attempts cannot slip past the limit', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    const decisions = await Promise.all(Array.from({ length: 25 }, () => gate.attempt({ email, ip })));
    const allowed = decisions.filter((decision) => decision.allowed).length;
    assert.ok(allowed >= 1 && allowed <= 3, `${allowed} attempts got through`);
  });

  it('targeted lockout: guesses from one network do not lock out the account from another', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await gate.attempt({ email, ip }), { allowed: true });
    assert.equal((await gate.attempt({ email, ip })).allowed, false);
    assert.deepEqual(await gate.attempt({ email, ip: '198.51.100.7' }), { allowed: true });
  });

  it('an IPv6 client counts by its /64, and an IPv4-mapped address as its IPv4 address', async () => {
    const gate = throttle();
    const email = `${randomUUID()}@example.com`;
    for (const address of ['2001:db8:0:1::1', '2001:db8:0:1:ffff::2', '2001:0db8:0000:0001::3']) {
      assert.deepEqual(await gate.attempt({ email, ip: address }), { allowed: true });
    }
    assert.equal((await gate.attempt({ email, ip: '2001:db8:0:1::4' })).allowed, false);
    assert.deepEqual(await gate.attempt({ email, ip: '2001:db8:0:2::1' }), { allowed: true });
    const other = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) await gate.attempt({ email: other, ip: '::ffff:192.0.2.9' });
    assert.equal((await gate.attempt({ email: other, ip: '192.0.2.9' })).allowed, false);
  });

  it('guesses spread over many networks meet the account-wide ceiling, which a known device passes', async () => {
    const gate = throttle(6);
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 6; i += 1) {
      assert.deepEqual(await gate.attempt({ email, ip: `203.0.113.${i}` }), { allowed: true });
    }
    assert.equal((await gate.attempt({ email, ip: '203.0.113.200' })).allowed, false);
    // The owner's browser, which signed in before, counts only against itself.
    assert.deepEqual(await gate.attempt({ email, ip: '203.0.113.201', device: 'owner-device' }), { allowed: true });
    await gate.succeeded({ email, ip: '203.0.113.201', device: 'owner-device' });
    // Its success reset its own bucket, not the account's ceiling.
    assert.equal((await gate.attempt({ email, ip: '203.0.113.202' })).allowed, false);
  });
});
