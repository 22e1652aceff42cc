import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, it } from 'node:test';
import { type RedisClusterServer, startRedisCluster, waitFor } from '@authscale/testkit';
import { redisAccessString } from '../../../../infra/constructs/redis-users.ts';
import { createRedisStore } from '../../src/redis/create-redis-store.ts';
import { connectRedis } from '../../src/redis/redis-connection.ts';
import { userKey } from '../../src/redis/session-keys.ts';
import { createSessions } from '../../src/store/create-sessions.ts';
import { clusterNodes, onNode } from './cluster-topology.ts';

const prefix = 'as';
const username = 'fallback-test';
const password = randomUUID();
let cluster: RedisClusterServer;
const opened: Array<{ close(): Promise<void> }> = [];

// Each test moves replicas or fails a primary over, so each gets a cluster of its own.
beforeEach(async () => {
  cluster = await startRedisCluster({ replicas: 1 });
  for (const { port } of cluster.nodes) {
    // The session replicas' own user, as deployed: the fallback may send only what it allows.
    await onNode(port, [
      'ACL',
      'SETUSER',
      username,
      'reset',
      `>${password}`,
      ...redisAccessString('session').split(' '),
    ]);
    // Redis would move a replica to a primary left without one by itself; here the test does.
    await onNode(port, ['CONFIG', 'SET', 'cluster-allow-replica-migration', 'no']);
  }
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((each) => each.close()));
  await cluster?.stop();
});

async function openSessions() {
  const connection = await connectRedis({ urls: cluster.urls, cluster: true, nearCache: null, username, password });
  const store = createRedisStore({
    connection,
    backend: 'redis-cluster',
    prefix,
    absoluteTtlMs: 3_600_000,
    waitTimeoutMs: 500,
    retryDeadlineMs: 1_000,
  });
  opened.push(store);
  return createSessions({ store });
}

/** The replica addresses every node lists for `slot` in CLUSTER SLOTS, which cluster clients map. */
async function replicasListedFor(slot: number): Promise<string[][]> {
  return Promise.all(
    cluster.nodes.map(async ({ port }) => {
      const ranges = (await onNode(port, ['CLUSTER', 'SLOTS'])) as Array<[number, number, ...Array<[string, number]>]>;
      const range = ranges.find(([start, end]) => slot >= start && slot <= end);
      return (range?.slice(3) as Array<[string, number]> | undefined)?.map(([, nodePort]) => String(nodePort)) ?? [];
    }),
  );
}

const roleOf = async (port: number) => (await onNode(port, ['ROLE'])) as [string, string, number, string, number];

it('never answers a read from a replica that is still syncing from its primary', async () => {
  // A replica that joins a shard (a replica migrating from another shard, as Redis moves one to a
  // primary left without replicas; or the old primary rejoining after a partition) keeps the data
  // it had, and serves it, until its full sync with the new primary ends: a session its new
  // primary holds is absent there. Reads fall back to replicas only while the primary cannot
  // answer, which the test arranges by refusing them on the primary.
  const writer = await openSessions();
  const userId = randomUUID();
  const created = await writer.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
  const key = userKey(prefix, userId);
  const via = cluster.nodes[0]?.port as number;
  const slot = Number(await onNode(via, ['CLUSTER', 'KEYSLOT', key]));
  const nodes = await clusterNodes(via);
  const owner = nodes.find((node) => node.primary && node.slots.some(([start, end]) => slot >= start && slot <= end));
  assert.ok(owner);
  const [other, third] = nodes.filter((node) => node.primary && node.id !== owner.id);
  assert.ok(other && third);
  const ownReplica = nodes.find((node) => node.primaryId === owner.id);
  const newcomer = nodes.find((node) => node.primaryId === other.id);
  assert.ok(ownReplica && newcomer);

  // The owner holds back the newcomer's full sync (a diskless sync waits for more replicas), so
  // the newcomer still holds the other shard's data; the owner's own replica leaves for the third.
  await onNode(owner.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '60']);
  await onNode(ownReplica.port, ['CLUSTER', 'REPLICATE', third.id]);
  await onNode(newcomer.port, ['CLUSTER', 'REPLICATE', owner.id]);
  await waitFor(
    async () =>
      (await replicasListedFor(slot)).every((listed) => listed.length === 1 && listed[0] === String(newcomer.port))
        ? true
        : undefined,
    { what: 'every node to list the newcomer as the only replica of the shard' },
  );
  const [kind, , primaryPort, state] = await roleOf(newcomer.port);
  assert.deepEqual([kind, primaryPort], ['slave', owner.port]);
  assert.notEqual(state, 'connected', 'the newcomer is still syncing');
  assert.equal(Number(await onNode(newcomer.port, ['CLUSTER', 'COUNTKEYSINSLOT', String(slot)])), 0);

  await onNode(owner.port, ['ACL', 'SETUSER', username, '-hget', '-hgetall']);
  const reader = await openSessions();
  // Unanswerable for now, which a read may be while a shard changes: never "no such session".
  await assert.rejects(reader.get(userId, created.session.sid));

  // Once the newcomer has the shard's data, it answers for its primary.
  await onNode(owner.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '0']);
  await waitFor(async () => ((await roleOf(newcomer.port))[3] === 'connected' ? true : undefined), {
    what: 'the newcomer to finish its sync',
  });
  assert.equal((await reader.get(userId, created.session.sid))?.sid, created.session.sid);
});

it('reads from a replica the failover made primary while the old primary answers CLUSTERDOWN', async () => {
  // A primary cut off from the cluster answers CLUSTERDOWN and no redirect, so the reader keeps
  // asking it, and the fallback's map, older than the failover, names its successor as a replica:
  // a node whose ROLE says primary answers too. Here the old primary steps down, then forgets a
  // shard, which leaves it as sure that the cluster is down.
  const writer = await openSessions();
  const reader = await openSessions();
  const userId = randomUUID();
  const created = await writer.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
  const key = userKey(prefix, userId);
  const via = cluster.nodes[0]?.port as number;
  const slot = Number(await onNode(via, ['CLUSTER', 'KEYSLOT', key]));
  const nodes = await clusterNodes(via);
  const owner = nodes.find((node) => node.primary && node.slots.some(([start, end]) => slot >= start && slot <= end));
  assert.ok(owner);
  const successor = nodes.find((node) => node.primaryId === owner.id);
  const forgotten = nodes.find((node) => node.primary && node.id !== owner.id);
  assert.ok(successor && forgotten);
  assert.equal((await reader.get(userId, created.session.sid))?.sid, created.session.sid);

  await onNode(successor.port, ['CLUSTER', 'FAILOVER']);
  await waitFor(async () => ((await roleOf(owner.port))[0] === 'slave' ? true : undefined), {
    what: 'the old primary to step down',
  });
  // This node alone requires full coverage again (the cluster runs without): a forgotten shard
  // leaves it sure that the cluster is down, as a primary cut off from the majority is.
  await onNode(owner.port, ['CONFIG', 'SET', 'cluster-require-full-coverage', 'yes']);
  await onNode(owner.port, ['CLUSTER', 'FORGET', forgotten.id]);
  await waitFor(
    async () =>
      String(await onNode(owner.port, ['CLUSTER', 'INFO'])).includes('cluster_state:fail') ? true : undefined,
    { what: 'the old primary to find the cluster down' },
  );
  assert.equal((await reader.get(userId, created.session.sid))?.sid, created.session.sid);
});

it('reads from the new primary when the fallback knows of the failover and the reader does not', async () => {
  // The same stepped-down primary, but the fallback's map is newer than the failover (it is rebuilt
  // whenever the writer reconnects), so its only replica for the slot is the old primary itself.
  const writer = await openSessions();
  const reader = await openSessions();
  const userId = randomUUID();
  const created = await writer.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
  const key = userKey(prefix, userId);
  const via = cluster.nodes[0]?.port as number;
  const slot = Number(await onNode(via, ['CLUSTER', 'KEYSLOT', key]));
  const nodes = await clusterNodes(via);
  const owner = nodes.find(
    (node) => node.primary && !node.failed && node.slots.some(([start, end]) => slot >= start && slot <= end),
  );
  assert.ok(owner);
  const successor = nodes.find((node) => node.primaryId === owner.id && !node.failed);
  const forgotten = nodes.find((node) => node.primary && !node.failed && node.id !== owner.id);
  assert.ok(successor && forgotten);
  assert.equal((await reader.get(userId, created.session.sid))?.sid, created.session.sid);

  await onNode(successor.port, ['CLUSTER', 'FAILOVER']);
  await waitFor(async () => ((await roleOf(owner.port))[0] === 'slave' ? true : undefined), {
    what: 'the old primary to step down',
  });
  // This node alone requires full coverage again (the cluster runs without): a forgotten shard
  // leaves it sure that the cluster is down, as a primary cut off from the majority is.
  await onNode(owner.port, ['CONFIG', 'SET', 'cluster-require-full-coverage', 'yes']);
  await onNode(owner.port, ['CLUSTER', 'FORGET', forgotten.id]);
  await waitFor(
    async () =>
      String(await onNode(owner.port, ['CLUSTER', 'INFO'])).includes('cluster_state:fail') ? true : undefined,
    { what: 'the old primary to find the cluster down' },
  );
  await waitFor(
    async () =>
      (await replicasListedFor(slot)).every((listed, index) =>
        cluster.nodes[index]?.port === owner.port ? true : listed.join() === String(owner.port),
      )
        ? true
        : undefined,
    { what: 'the others to list the old primary as the only replica' },
  );
  // Every writer connection reconnects, and the fallback rebuilds its map.
  for (const { port } of cluster.nodes) {
    const clients = String(await onNode(port, ['CLIENT', 'LIST']));
    for (const line of clients.split('\n')) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      if (id && /\bname=\S*-writer\b/.test(line)) await onNode(port, ['CLIENT', 'KILL', 'ID', id]).catch(() => {});
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.equal((await reader.get(userId, created.session.sid))?.sid, created.session.sid);
});
