import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { AuthError } from '@authscale/core';
import { type RedisClusterServer, startRedisCluster, waitFor } from '@authscale/testkit';
import { createRedisStore } from '../../src/redis/create-redis-store.ts';
import { connectRedis } from '../../src/redis/redis-connection.ts';
import { userKey } from '../../src/redis/session-keys.ts';
import { createSessions } from '../../src/store/create-sessions.ts';
import { clusterNodes, onNode } from './cluster-topology.ts';

const prefix = 'as';
let cluster: RedisClusterServer;
let sessions: ReturnType<typeof createSessions>;

// Two replicas per primary, as prod runs; the tests freeze and kill them, so the cluster is ours.
before(async () => {
  cluster = await startRedisCluster({ replicas: 2 });
  const connection = await connectRedis({ urls: cluster.urls, cluster: true, nearCache: null });
  const store = createRedisStore({
    connection,
    backend: 'redis-cluster',
    prefix,
    absoluteTtlMs: 3_600_000,
    waitTimeoutMs: 300,
    retryDeadlineMs: 1_000,
  });
  sessions = createSessions({ store });
});
after(async () => {
  await sessions?.store.close();
  await cluster?.stop();
});

/** A user, and the ports of the primary that holds their sessions and of its replicas. */
async function userAndShard() {
  const userId = randomUUID();
  const slot = Number(await onNode(cluster.nodes[0]?.port as number, ['CLUSTER', 'KEYSLOT', userKey(prefix, userId)]));
  const nodes = await clusterNodes(cluster.nodes[0]?.port as number);
  const primary = nodes.find(
    (node) => node.primary && !node.failed && node.slots.some(([start, end]) => slot >= start && slot <= end),
  );
  assert.ok(primary);
  const replicas = nodes.filter((node) => node.primaryId === primary.id && !node.failed).map((node) => node.port);
  assert.equal(replicas.length, 2);
  return { userId, primary: primary.port, replicas: replicas as [number, number] };
}

const pidOf = (port: number) => cluster.nodes.find((node) => node.port === port)?.pid as number;
const newSession = (userId: string) => sessions.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });

it('does not acknowledge a write that a replica the primary counts online has not got', async () => {
  // A frozen replica keeps its link open, as one cut off by a partition does: one replica alone
  // would acknowledge the write, and a promotion of the frozen one would lose it.
  const { userId, replicas } = await userAndShard();
  process.kill(pidOf(replicas[1]), 'SIGSTOP');
  try {
    await assert.rejects(newSession(userId), (error: unknown) => {
      assert.ok(error instanceof AuthError && error.code === 'dependency_unavailable');
      return true;
    });
  } finally {
    process.kill(pidOf(replicas[1]), 'SIGCONT');
  }
  await waitFor(async () => ((await newSession(userId)) ? true : undefined), {
    what: 'writes to be acknowledged once the replica answers again',
  });
});

it('goes on acknowledging writes when a replica dies, with the replicas left', async () => {
  const { userId, primary, replicas } = await userAndShard();
  await cluster.kill(replicas[0]);
  await waitFor(
    async () => {
      const info = String(await onNode(primary, ['INFO', 'replication']));
      return info.includes('connected_slaves:1') ? true : undefined;
    },
    { what: 'the primary to drop the dead replica' },
  );
  const { session } = await newSession(userId);
  assert.ok(await sessions.get(userId, session.sid));
});
