import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sessionEpochKey } from '@authscale/core';
import { sharedServers } from '@authscale/testkit';
import { createCluster } from 'redis';
import { createRedisStore } from '../../src/redis/create-redis-store.ts';
import { connectRedis } from '../../src/redis/redis-connection.ts';
import { userKey } from '../../src/redis/session-keys.ts';
import { createSessions } from '../../src/store/create-sessions.ts';
import { sessionStoreContract, testClock } from '../store/session-store-contract.ts';

const prefix = () => `t${randomBytes(4).toString('hex')}`;
const nearCache = { ttlMs: 10_000, maxEntries: 10_000 };
const absoluteTtlMs = 7 * 24 * 3_600_000;

sessionStoreContract('redis (single node, near cache on)', async (clock) => {
  const connection = await connectRedis({ urls: [(await sharedServers()).redis.url], cluster: false, nearCache });
  // The shared single node has no replica, so there is nothing for WAIT to confirm.
  return createRedisStore({
    connection,
    backend: 'redis',
    prefix: prefix(),
    minReplicaAcks: 0,
    absoluteTtlMs,
    now: clock.now,
  });
});

for (const cache of [nearCache, null]) {
  sessionStoreContract(`redis-cluster (near cache ${cache ? 'on' : 'off'})`, async (clock) => {
    const connection = await connectRedis({
      urls: (await sharedServers()).redisCluster.urls,
      cluster: true,
      nearCache: cache,
    });
    return createRedisStore({ connection, backend: 'redis-cluster', prefix: prefix(), absoluteTtlMs, now: clock.now });
  });
}

it("evicts a user's oldest session beyond maxSessionsPerUser and prunes dead ones on create", async () => {
  const clock = testClock();
  const keyPrefix = prefix();
  const connection = await connectRedis({ urls: (await sharedServers()).redisCluster.urls, cluster: true, nearCache });
  const store = createRedisStore({
    connection,
    backend: 'redis-cluster',
    prefix: keyPrefix,
    absoluteTtlMs,
    maxSessionsPerUser: 3,
    now: clock.now,
  });
  const sessions = createSessions({ store, idleTtlMs: 60_000, touchIntervalMs: 0, now: clock.now });
  const userId = randomUUID();
  const create = async () => {
    clock.advance(10);
    return sessions.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
  };
  try {
    const [oldest, ...kept] = [await create(), await create(), await create()];
    const inspector = createCluster({ rootNodes: (await sharedServers()).redisCluster.urls.map((url) => ({ url })) });
    await inspector.connect();
    const epochNow = async () => Number(await inspector.get(sessionEpochKey(keyPrefix, userId)));
    assert.equal(await epochNow(), 0, 'creating under the cap moves nothing');
    kept.push(await create());
    assert.equal(await epochNow(), 1, 'an eviction ends a session: edges must drop it');
    await inspector.close();
    assert.equal(await sessions.validate(oldest?.token ?? ''), null);
    const newestFirst = kept.map((entry) => entry.session.sid).reverse();
    assert.deepEqual(
      (await sessions.list(userId)).map((session) => session.sid),
      newestFirst,
    );

    clock.advance(60_000);
    const fresh = await create();
    const stored = await connection.readHash(userKey(keyPrefix, userId));
    assert.deepEqual(Object.keys(stored), [fresh.session.sid], 'the dead sessions were pruned');
  } finally {
    await store.close();
  }
});

it('leaves no key of a purged user in the cluster once the shortened epoch expires', async () => {
  const keyPrefix = prefix();
  const urls = (await sharedServers()).redisCluster.urls;
  const connection = await connectRedis({ urls, cluster: true, nearCache });
  const store = createRedisStore({
    connection,
    backend: 'redis-cluster',
    prefix: keyPrefix,
    absoluteTtlMs,
    purgedEpochTtlMs: 500,
  });
  const sessions = createSessions({ store, idleTtlMs: 60_000, touchIntervalMs: 0 });
  const inspector = createCluster({ rootNodes: urls.map((url) => ({ url })) });
  await inspector.connect();
  const userId = randomUUID();
  // Every primary's keys that name the user, whatever the shape.
  const keysOfUser = async () => {
    const found: string[] = [];
    for (const primary of inspector.masters)
      found.push(...(await (await inspector.nodeClient(primary)).keys(`*${userId}*`)));
    return found.sort();
  };
  try {
    const [first] = await Promise.all(
      [1, 2].map(() => sessions.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' })),
    );
    await sessions.revoke(userId, first?.session.sid ?? '');
    assert.deepEqual(await keysOfUser(), [userKey(keyPrefix, userId), sessionEpochKey(keyPrefix, userId)].sort());
    const epochBefore = Number(await inspector.get(sessionEpochKey(keyPrefix, userId)));

    assert.equal(await store.purgeUser(userId), 1);
    assert.deepEqual(await keysOfUser(), [sessionEpochKey(keyPrefix, userId)], 'only the epoch is left');
    assert.equal(
      Number(await inspector.get(sessionEpochKey(keyPrefix, userId))),
      epochBefore + 1,
      'edges drop their views',
    );
    const { sessions: left, epochExpiresInMs } = await store.footprint(userId);
    assert.equal(left, 0);
    assert.ok(epochExpiresInMs !== null && epochExpiresInMs <= 500);

    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(await keysOfUser(), []);
    assert.deepEqual(await store.footprint(userId), { sessions: 0, epochExpiresInMs: null });
  } finally {
    await inspector.close();
    await store.close();
  }
});
