/**
 * `npm run bench:sessions`: session validation latency and throughput per backend, near cache on
 * and off, against a single-client loopback Redis GET measured in the same run; then the
 * revocation visibility bound between two replicas. Starts its own servers; prints a table and
 * writes it into the "Sessions" section of docs/benchmarks.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createSessionClient, createSessionNearCache, sessionEpochKey, TrackedEpochs } from '@authscale/core';
import {
  buildSessionApp,
  connectRedis,
  createMemoryStore,
  createPostgresStore,
  createRedisStore,
  createSessions,
  loadSessionConfig,
  type SessionStore,
} from '@authscale/session';
import { startPostgres, startRedis, startRedisCluster } from '@authscale/testkit';
import { createClient, createCluster } from 'redis';
import { describeMachine, ms, percentile, replaceSection, timed, yieldToLoop } from './bench/measure.ts';

const sessionsPerRun = 5_000;
const warmUp = 1_000;
const throughputMs = 2_000;
const concurrency = 64;
const absoluteTtlMs = 24 * 3_600_000;
const nearCache = { ttlMs: 60_000, maxEntries: 100_000 };

async function throughput(operation: (index: number) => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + throughputMs;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let index = worker; performance.now() < deadline; index += concurrency) {
        await operation(index);
        done++;
        // Near-cache hits complete without I/O; let the event loop breathe as a server would.
        if (done % concurrency === 0) await yieldToLoop();
      }
    }),
  );
  return Math.round(done / (throughputMs / 1000));
}

interface Row {
  backend: string;
  nearCache: string;
  missP50: number;
  missP99: number;
  hitP50?: number;
  hitP99?: number;
  missOpsPerSec: number;
  hitOpsPerSec?: number;
}

/** What is measured: a replica's own validation, or the session client over HTTP. */
interface Target {
  create(input: { userId: string; tenantId: string; amr: string[]; acr: string }): Promise<{ token: string }>;
  validate(token: string): Promise<unknown>;
  close(): Promise<unknown>;
}

function inProcess(store: SessionStore): Target {
  // No write-back during the measurement: every write-back invalidates the entry everywhere.
  const sessions = createSessions({ store, touchIntervalMs: 29 * 60_000 });
  return { create: sessions.create, validate: sessions.validate, close: () => store.close() };
}

async function measureBackend(backend: string, cacheLabel: string, sessions: Target, cached: boolean): Promise<Row> {
  const created = [];
  for (let index = 0; index < sessionsPerRun; index++) {
    created.push(await sessions.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' }));
  }
  const tokens = created.map(({ token }) => token);
  const validate = async (token: string) => {
    if (!(await sessions.validate(token))) throw new Error('a live session did not validate');
  };
  // Warm the JIT and the connections on throw-away sessions before measuring.
  for (let index = 0; index < warmUp; index++) {
    const { token } = await sessions.create({
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
    });
    await validate(token);
    await validate(token);
  }
  const misses: number[] = [];
  for (const token of tokens) misses.push(await timed(() => validate(token)));
  const row: Row = {
    backend,
    nearCache: cacheLabel,
    missP50: percentile(misses, 50),
    missP99: percentile(misses, 99),
    missOpsPerSec: 0,
  };
  if (cached) {
    const hits: number[] = [];
    for (const token of tokens) {
      hits.push(await timed(() => validate(token)));
      if (hits.length % 100 === 0) await yieldToLoop();
    }
    row.hitP50 = percentile(hits, 50);
    row.hitP99 = percentile(hits, 99);
    row.hitOpsPerSec = await throughput((index) => validate(tokens[index % tokens.length] as string));
  } else {
    row.missOpsPerSec = await throughput((index) => validate(tokens[index % tokens.length] as string));
  }
  if (cached) {
    // Misses under load: fresh sessions, each validated once.
    const fresh: string[] = [];
    for (let index = 0; index < sessionsPerRun; index++) {
      fresh.push(
        (await sessions.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' })).token,
      );
    }
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < fresh.length) await validate(fresh[next++] as string);
      }),
    );
    row.missOpsPerSec = Math.round(fresh.length / ((performance.now() - start) / 1000));
  }
  await sessions.close();
  return row;
}

/** A replica serving the internal API on loopback, validated through the session client. */
async function overHttp(urls: string[]): Promise<Target> {
  const internalToken = randomBytes(32).toString('base64url');
  const app = await buildSessionApp(
    loadSessionConfig({
      LOG_LEVEL: 'silent',
      INTERNAL_API_TOKEN: internalToken,
      SESSION_BACKEND: 'redis-cluster',
      REDIS_CLUSTER_URLS: urls.join(','),
      SESSION_KEY_PREFIX: 'bhttp',
      SESSION_TOUCH_INTERVAL_SECONDS: 29 * 60,
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const client = createSessionClient({
    replicas: [`http://127.0.0.1:${port}`],
    internalToken,
    healthCheckIntervalMs: 0,
  });
  return {
    create: client.create,
    validate: client.validate,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}

async function redisGetBaseline(url: string) {
  const client = createClient({ url, RESP: 3 });
  await client.connect();
  await client.set('bench:baseline', 'x'.repeat(300));
  const samples: number[] = [];
  for (let index = 0; index < 5_000; index++) samples.push(await timed(() => client.get('bench:baseline')));
  await client.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/**
 * Time from "replica A issues a revoke" until replica B, which had it cached, stops serving it;
 * and until an edge's near cache (loading through B) does.
 */
async function revocationVisibility(urls: string[]) {
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

const [redis, cluster, postgres] = await Promise.all([startRedis(), startRedisCluster(), startPostgres()]);
try {
  const baseline = await redisGetBaseline(redis.url);
  const rows: Row[] = [];
  rows.push(await measureBackend('memory', 'n/a', inProcess(createMemoryStore()), false));
  rows.push(
    await measureBackend(
      'postgres',
      'n/a',
      inProcess(await createPostgresStore({ connectionString: postgres.url, schema: 'bench_sessions' })),
      false,
    ),
  );
  for (const cache of [true, false]) {
    const single = await connectRedis({ urls: [redis.url], cluster: false, nearCache: cache ? nearCache : null });
    rows.push(
      await measureBackend(
        'redis',
        cache ? 'on' : 'off',
        // The benchmark's single node has no replica to confirm writes.
        inProcess(
          createRedisStore({
            connection: single,
            backend: 'redis',
            prefix: `b${cache}`,
            minReplicaAcks: 0,
            absoluteTtlMs,
          }),
        ),
        cache,
      ),
    );
    const clustered = await connectRedis({ urls: cluster.urls, cluster: true, nearCache: cache ? nearCache : null });
    rows.push(
      await measureBackend(
        'redis-cluster',
        cache ? 'on' : 'off',
        inProcess(
          createRedisStore({ connection: clustered, backend: 'redis-cluster', prefix: `b${cache}`, absoluteTtlMs }),
        ),
        cache,
      ),
    );
  }
  rows.push(await measureBackend('redis-cluster, via HTTP', 'on', await overHttp(cluster.urls), true));
  const visibility = await revocationVisibility(cluster.urls);

  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  // The targets are the replica's own validation; the HTTP row adds the hop and is shown alongside.
  const replicaRows = rows.filter((row) => !row.backend.includes('HTTP'));
  const worstHit = Math.max(...replicaRows.map((row) => row.hitP99 ?? 0));
  const worstRedisMiss = Math.max(
    ...replicaRows.filter((row) => row.backend.startsWith('redis')).map((row) => row.missP99),
  );
  const dash = (value: number | undefined) => (value === undefined ? '-' : ms(value));
  const lines = [
    `Command: \`npm run bench:sessions\`. Machine: ${describeMachine()}; 1-minute load average at the end ${loadavg()[0]?.toFixed(1)}.`,
    `Each row: ${sessionsPerRun} sessions validated one at a time (latency, in ms), then ${concurrency} validations in flight for ${throughputMs / 1000} s (throughput).`,
    'Validation is measured inside the replica process (`createSessions().validate`), except the "via HTTP" row: the session client calling a replica\'s internal API on loopback (client and replica share one process). Redis, the cluster and Postgres run on this machine.',
    '',
    '| backend | near cache | miss p50 | miss p99 | hit p50 | hit p99 | miss ops/s | hit ops/s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.backend} | ${row.nearCache} | ${ms(row.missP50)} | ${ms(row.missP99)} | ${dash(row.hitP50)} | ${dash(row.hitP99)} | ${row.missOpsPerSec} | ${row.hitOpsPerSec ?? '-'} |`,
    ),
    '',
    `Baseline, single-client loopback Redis GET (same run): p50 ${ms(baseline.p50)} ms, p99 ${ms(baseline.p99)} ms.`,
    `Targets (in-process rows): near-cache hit p99 <= 1 ms: ${verdict(worstHit <= 1)} (worst ${ms(worstHit)} ms). ` +
      `Redis miss p99 <= 2 x baseline GET p99 = ${ms(2 * baseline.p99)} ms: ${verdict(worstRedisMiss <= 2 * baseline.p99)} (worst ${ms(worstRedisMiss)} ms).`,
    '',
    `Revocation visibility (redis-cluster, near cache on; 300 revokes on replica A of a session replica B and an edge near cache had cached; time until each stops serving it, from the moment A issued the revoke): replica B p50 ${ms(visibility.p50)} ms, p99 ${ms(visibility.p99)} ms, max ${ms(visibility.max)} ms; edge p50 ${ms(visibility.edgeP50)} ms, p99 ${ms(visibility.edgeP99)} ms, max ${ms(visibility.edgeMax)} ms; either at most ${ms(visibility.afterAckMax)} ms after A's revoke was acknowledged.`,
  ];
  const section = `## Sessions\n\n${lines.join('\n')}\n`;
  console.log(`\n${section}`);

  const path = new URL('../docs/benchmarks.md', import.meta.url);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  writeFileSync(path, replaceSection(current, 'Sessions', section));
} finally {
  await Promise.allSettled([redis.stop(), cluster.stop(), postgres.stop()]);
}
