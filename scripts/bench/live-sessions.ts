import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, createRedisStore, createSessions, type NewSession } from '@authscale/session';
import type { RedisClusterServer } from '@authscale/testkit';
import { createCluster } from 'redis';
import { userKey } from '../../services/session/src/redis/session-keys.ts';
import { percentile, timed } from './measure.ts';
import { pipeSessions } from './pipe-sessions.ts';

export interface LiveSessionsResult {
  count: number;
  smallCount: number;
  fillSeconds: number;
  bytesPerSession: number;
  /** MEMORY USAGE of a sampled session's user hash (one session per user), averaged. */
  keyBytesPerSession: number;
  lookupP99AtSmall: number;
  lookupP99AtFull: number;
}

const smallCount = 10_000;
const lookups = 5_000;
const inFlight = 256;
const prefix = 'live';
const idleTtlMs = 2 * 3_600_000;

/** Sum of `used_memory` over the cluster's primaries: each session once, replicas not counted. */
async function primariesUsedMemory(cluster: RedisClusterServer): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes) {
    const info = await cluster.cli(node.port, 'INFO', 'all');
    if (!/role:master/.test(info)) continue;
    total += Number(/used_memory:(\d+)/.exec(info)?.[1]);
  }
  return total;
}

const newSession = (): NewSession => ({
  userId: randomUUID(),
  tenantId: randomUUID(),
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  amr: ['pwd'],
  acr: 'aal1',
});

/**
 * Fills the cluster with `count` live sessions, one user each (the costliest layout: a key per
 * session), and reports what each costs in memory and the lookup p99 at 10k and at
 * `count`. The first 10k go through the session store's create path; the rest are the same
 * records, built by `createSessions`, written as the same commands with `redis-cli --pipe`.
 * Lookups are `validate` through the real store, near cache off, over a uniform sample of all.
 */
export async function measureLiveSessions(cluster: RedisClusterServer, count: number): Promise<LiveSessionsResult> {
  const connection = await connectRedis({ urls: cluster.urls, cluster: true, nearCache: null });
  const store = createRedisStore({ connection, backend: 'redis-cluster', prefix, absoluteTtlMs: 24 * 3_600_000 });
  // Lookups must not write activity back: a write-back is a write, not a lookup.
  const sessions = createSessions({ store, idleTtlMs, touchIntervalMs: idleTtlMs / 2 });
  const before = await primariesUsedMemory(cluster);

  // A uniform sample of every token created so far (reservoir sampling).
  const sample: string[] = [];
  let created = 0;
  const keep = (token: string) => {
    created++;
    if (sample.length < lookups) sample.push(token);
    else if (randomInt(created) < lookups) sample[randomInt(lookups)] = token;
  };
  const lookupP99 = async () => {
    const samples: number[] = [];
    for (let index = 0; index < lookups; index++) {
      const token = sample[randomInt(sample.length)] as string;
      samples.push(
        await timed(async () => {
          if (!(await sessions.validate(token))) throw new Error('a live session did not validate');
        }),
      );
    }
    return percentile(samples, 99);
  };

  const started = Date.now();
  const small = Math.min(smallCount, count);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < small) keep((await sessions.create(newSession())).token);
    }),
  );
  await lookupP99(); // warm the JIT and the connections
  const lookupP99AtSmall = await lookupP99();
  await pipeSessions({ cluster, prefix, count: count - small, session: newSession, onToken: keep, idleTtlMs });
  const fillSeconds = (Date.now() - started) / 1000;
  await sleep(2_000); // let replication buffers drain before reading memory
  const after = await primariesUsedMemory(cluster);
  await lookupP99(); // the same warm-up as at 10k: the first pass after the fill meets cold pages
  const lookupP99AtFull = await lookupP99();

  const inspector = createCluster({ rootNodes: cluster.urls.map((url) => ({ url })) });
  await inspector.connect();
  let keyBytes = 0;
  const measured = sample.slice(0, 200);
  for (const token of measured) {
    const record = await sessions.validate(token);
    if (!record) throw new Error('a live session did not validate');
    keyBytes += Number(await inspector.memoryUsage(userKey(prefix, record.userId)));
  }
  await Promise.all([inspector.close(), store.close()]);
  return {
    count,
    smallCount: small,
    fillSeconds,
    bytesPerSession: (after - before) / count,
    keyBytesPerSession: keyBytes / measured.length,
    lookupP99AtSmall,
    lookupP99AtFull,
  };
}
