import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sessionEpochKey } from '@authscale/core';
import { killConnectionsNamed, sharedServers, startRedis, waitFor } from '@authscale/testkit';
import { createClient, createCluster } from 'redis';
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
    const killed = await killConnectionsNamed((await sharedServers()).redisCluster.nodes, `${nameOfB}-reader`);
    assert.ok(killed > 0, 'found the reader connections of B');
    await a.revoke(session.userId, session.sid);

    assert.equal(await b.get(session.userId, session.sid), null);
  });
  it("moves the user's epoch on revoke, revoke-all and invalidate, so edges drop what they cached", async () => {
    const inspector = createCluster({ rootNodes: (await sharedServers()).redisCluster.urls.map((url) => ({ url })) });
    await inspector.connect();
    try {
      const { session } = await newSession();
      const epoch = async () => Number(await inspector.get(sessionEpochKey(prefix, session.userId)));
      assert.equal(await epoch(), 0, 'creating a session moves nothing');
      await a.revoke(session.userId, session.sid);
      assert.equal(await epoch(), 1);
      await a.revokeAll(session.userId);
      assert.equal(await epoch(), 2);
      await a.invalidateUser(session.userId);
      assert.equal(await epoch(), 3);
      const ttl = await inspector.pTTL(sessionEpochKey(prefix, session.userId));
      assert.ok(ttl > 0, 'the epoch expires, after any edge entry it could vouch for');
    } finally {
      await inspector.close();
    }
  });
});

describe('a fresh read', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sessions: Sessions;
  let counter: ReturnType<typeof createClient>;
  before(async () => {
    // A server of its own: the command counts below must not include other tests' traffic.
    redis = await startRedis();
    const connection = await connectRedis({
      urls: [redis.url],
      cluster: false,
      nearCache: { ttlMs: 60_000, maxEntries: 100 },
    });
    sessions = createSessions({
      store: createRedisStore({ connection, backend: 'redis', prefix: 'fresh', minReplicaAcks: 0, absoluteTtlMs }),
    });
    counter = createClient({ url: redis.url });
    await counter.connect();
  });
  after(async () => {
    await counter.close();
    await sessions.store.close();
    await redis.stop();
  });

  const hgetCalls = async () => Number(/cmdstat_hget:calls=(\d+)/.exec(await counter.info('commandstats'))?.[1] ?? 0);

  it('goes to Redis even when the near cache holds the session, for callers told it changed', async () => {
    const { token, session } = await sessions.create({
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
    });
    await sessions.validate(token);
    const cached = await hgetCalls();
    assert.ok(await sessions.validate(token));
    assert.equal(await hgetCalls(), cached, 'served from the near cache');
    assert.deepEqual(await sessions.validate(token, { fresh: true }), await sessions.get(session.userId, session.sid));
    assert.equal(await hgetCalls(), cached + 1, 'one read past the cache');
  });
});
