import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import { createPostgresStore } from '../../src/postgres/create-postgres-store.ts';
import { sessionStoreContract, testClock } from '../store/session-store-contract.ts';

const schema = () => `session_test_${randomBytes(6).toString('hex')}`;

sessionStoreContract('postgres', async (clock) =>
  createPostgresStore({ connectionString: (await sharedServers()).postgres.url, schema: schema(), now: clock.now }),
);

it('postgres cleanup job deletes expired sessions and keeps live ones', async () => {
  const clock = testClock();
  const store = await createPostgresStore({
    connectionString: (await sharedServers()).postgres.url,
    schema: schema(),
    cleanupIntervalMs: 0,
    now: clock.now,
  });
  const at = clock.now();
  const record = (sid: string, idleExpiresAt: number) => ({
    sid,
    userId: randomUUID(),
    tenantId: randomUUID(),
    createdAt: at,
    lastSeenAt: at,
    idleExpiresAt,
    absoluteExpiresAt: at + 3_600_000,
    ip: null,
    userAgent: null,
    amr: ['pwd'],
    acr: 'aal1',
    authTime: at,
  });
  const expiring = record('expiring', at + 1_000);
  const staying = record('staying', at + 60_000);
  await store.create(expiring);
  await store.create(staying);
  clock.advance(2_000);
  assert.equal(await store.deleteExpired(), 1);
  assert.equal(await store.deleteExpired(), 0);
  assert.deepEqual(await store.get(staying.userId, staying.sid), staying);
  assert.equal(await store.revoke(expiring.userId, expiring.sid), false, 'the expired row is gone');
  await store.close();
});

it('postgres store refuses a schema name that is not a plain identifier', async () => {
  await assert.rejects(
    createPostgresStore({ connectionString: (await sharedServers()).postgres.url, schema: 'x; DROP TABLE y' }),
    TypeError,
  );
});
