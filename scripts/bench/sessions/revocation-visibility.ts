import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createSessionNearCache, sessionEpochKey, TrackedEpochs } from '@authscale/core';
import { connectRedis, createRedisStore, createSessions } from '@authscale/session';
import { createCluster } from 'redis';
import { percentile, yieldToLoop } from '../measure.ts';
import { sessionsBenchSettings } from './sessions-bench-settings.ts';

const { nearCache, absoluteTtlMs } = sessionsBenchSettings;

/**
 * Time from "replica A issues a revoke" until replica B, which had it cached, stops serving it;
 * and until an edge's near cache (loading through B) does.
 */
export async function revocationVisibility(urls: string[]) {
  const open = async () => {
    const connection = await connectRedis({ urls, cluster: true, nearCache });
    return createSessions({
      store: createRedisStore({ connection, backend: 'redis-cluster', prefix: 'rv', absoluteTtlMs }),
    });
  };
  const a = await open();
  const b = await open();
  // As the edge builds it: epochs held by TrackedEpochs, node-redis's client-side cache.
  const epochs = new TrackedEpochs({ ttl: 0, maxEntries: 10_000, evictPolicy: 'LRU' });
  const edgeRedis = createCluster({ rootNodes: urls.map((url) => ({ url })), RESP: 3, clientSideCache: epochs });
  await edgeRedis.connect();
  const edge = createSessionNearCache({
    epochOf: (userId) => epochs.read(edgeRedis, sessionEpochKey('rv', userId)),
    maxAgeMs: 30_000,
    maxEntries: 10_000,
  });
  const fromIssue: number[] = [];
  const fromAck: number[] = [];
  const edgeFromIssue: number[] = [];
  for (let round = 0; round < 300; round++) {
    const { token, session } = await a.create({
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
    });
    if (!(await b.get(session.userId, session.sid)) || !(await b.get(session.userId, session.sid))) {
      throw new Error('replica B did not cache the session');
    }
    const throughB = (presented: string) => b.validate(presented);
    await edge.validate(token, throughB);
    if (!edge.derivedFor(session.sid)) throw new Error('the edge did not cache the session');
    const issued = performance.now();
    let acknowledged = Number.POSITIVE_INFINITY;
    const revoke = a.revoke(session.userId, session.sid).then(() => {
      acknowledged = performance.now();
    });
    let replicaGone = 0;
    let edgeGone = 0;
    while (replicaGone === 0 || edgeGone === 0) {
      if (replicaGone === 0 && !(await b.get(session.userId, session.sid))) replicaGone = performance.now();
      if (edgeGone === 0 && !(await edge.validate(token, throughB))) edgeGone = performance.now();
      await yieldToLoop();
    }
    await revoke;
    fromIssue.push(replicaGone - issued);
    fromAck.push(Math.max(0, replicaGone - acknowledged, edgeGone - acknowledged));
    edgeFromIssue.push(edgeGone - issued);
  }
  await a.store.close();
  await b.store.close();
  await edgeRedis.close();
  return {
    p50: percentile(fromIssue, 50),
    p99: percentile(fromIssue, 99),
    max: Math.max(...fromIssue),
    edgeP50: percentile(edgeFromIssue, 50),
    edgeP99: percentile(edgeFromIssue, 99),
    edgeMax: Math.max(...edgeFromIssue),
    afterAckMax: Math.max(...fromAck),
  };
}
