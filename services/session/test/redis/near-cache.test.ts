import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedServers, waitFor } from '@authscale/testkit';
import { createClient } from 'redis';
import { createRedisStore } from '../../src/redis/create-redis-store.ts';
import { connectRedis } from '../../src/redis/redis-connection.ts';
import { createSessions, type Sessions } from '../../src/store/create-sessions.ts';

const absoluteTtlMs = 7 * 24 * 3_600_000;

/** Two session replicas (A and B) over the shared cluster, each with its own near cache. */
describe('near cache over the Redis Cluster', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const nameOfB = `replica-b-${randomBytes(4).toString('hex')}`;
  let a: Sessions;
  let b: Sessions;
  let cacheSizeOfB: () => number;

  before(async () => {
    const { urls } = (await sharedServers()).redisCluster;
    const open = async (name: string) => {
      const connection = await connectRedis({
        urls,
        cluster: true,
        nearCache: { ttlMs: 60_000, maxEntries: 1000 },
        name,
      });
      const store = createRedisStore({ connection, backend: 'redis-cluster', prefix, absoluteTtlMs });
      return { sessions: createSessions({ store }), connection };
    };
    a = (await open(`replica-a-${randomBytes(4).toString('hex')}`)).sessions;
    const opened = await open(nameOfB);
    b = opened.sessions;
    cacheSizeOfB = opened.connection.nearCacheSize;
  });
  after(async () => {
    await a.store.close();
    await b.store.close();
  });

  const newSession = () => a.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });

  it('serves repeated reads from the near cache', async () => {
    const { session } = await newSession();
    const sizeBefore = cacheSizeOfB();
    assert.deepEqual(await b.get(session.userId, session.sid), session);
    assert.equal(cacheSizeOfB(), sizeBefore + 1);
    assert.deepEqual(await b.get(session.userId, session.sid), session);
  });

  it('stops serving a session revoked on another replica once Redis invalidates it', async () => {
    const { session } = await newSession();
    assert.ok(await b.get(session.userId, session.sid));
    await a.revoke(session.userId, session.sid);
    await waitFor(async () => ((await b.get(session.userId, session.sid)) === null ? true : undefined), {
      what: 'replica B to drop the revoked session',
    });
  });

  it('flushes the near cache when its invalidation connection drops, so a revoke missed meanwhile is not served', async () => {
    const { session } = await newSession();
    assert.deepEqual(await b.get(session.userId, session.sid), session);
    assert.ok(cacheSizeOfB() > 0);

    // Cut B's tracking (reader) connections on every node: invalidations sent now are lost.
    const killed = await killConnectionsNamed(`${nameOfB}-reader`);
    assert.ok(killed > 0, 'found the reader connections of B');
    await a.revoke(session.userId, session.sid);

    assert.equal(await b.get(session.userId, session.sid), null);
  });
});

/** `CLIENT KILL ID` for every connection with this name, on every node; how many were killed. */
async function killConnectionsNamed(name: string): Promise<number> {
  const { nodes } = (await sharedServers()).redisCluster;
  let killed = 0;
  for (const node of nodes) {
    const admin = createClient({ url: `redis://${node.host}:${node.port}` });
    await admin.connect();
    const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
    for (const line of list.split('\n').filter((entry) => entry.includes(` name=${name} `))) {
      const id = /id=(\d+)/.exec(line)?.[1];
      if (id) killed += Number(await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]));
    }
    await admin.close();
  }
  return killed;
}
