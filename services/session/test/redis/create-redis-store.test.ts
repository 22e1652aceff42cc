import { randomBytes } from 'node:crypto';
import { sharedServers } from '@authscale/testkit';
import { createRedisStore } from '../../src/redis/create-redis-store.ts';
import { connectRedis } from '../../src/redis/redis-connection.ts';
import { sessionStoreContract } from '../store/session-store-contract.ts';

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
