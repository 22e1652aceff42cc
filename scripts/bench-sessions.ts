/**
 * `npm run bench:sessions`: session validation latency and throughput per backend, near cache on
 * and off, against a single-client loopback Redis GET measured in the same run; then the
 * revocation visibility bound between two replicas. Starts its own servers; prints a table and
 * writes it into the "Sessions" section of docs/benchmarks.md.
 */
import { connectRedis, createMemoryStore, createPostgresStore, createRedisStore } from '@authscale/session';
import { startPostgres, startRedis, startRedisCluster } from '@authscale/testkit';
import { inProcessTarget } from './bench/sessions/in-process-target.ts';
import { measureBackend, type SessionsRow } from './bench/sessions/measure-backend.ts';
import { overHttpTarget } from './bench/sessions/over-http-target.ts';
import { redisGetBaseline } from './bench/sessions/redis-get-baseline.ts';
import { renderSessionsSection } from './bench/sessions/render-sessions-section.ts';
import { revocationVisibility } from './bench/sessions/revocation-visibility.ts';
import { sessionsBenchSettings } from './bench/sessions/sessions-bench-settings.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const { nearCache, absoluteTtlMs } = sessionsBenchSettings;

const [redis, cluster, postgres] = await Promise.all([startRedis(), startRedisCluster(), startPostgres()]);
try {
  const baseline = await redisGetBaseline(redis.url);
  const rows: SessionsRow[] = [];
  rows.push(
    await measureBackend({
      backend: 'memory',
      cacheLabel: 'n/a',
      sessions: inProcessTarget(createMemoryStore()),
      cached: false,
    }),
  );
  rows.push(
    await measureBackend({
      backend: 'postgres',
      cacheLabel: 'n/a',
      sessions: inProcessTarget(
        await createPostgresStore({ connectionString: postgres.url, schema: 'bench_sessions' }),
      ),
      cached: false,
    }),
  );
  for (const cache of [true, false]) {
    const single = await connectRedis({ urls: [redis.url], cluster: false, nearCache: cache ? nearCache : null });
    rows.push(
      await measureBackend({
        backend: 'redis',
        cacheLabel: cache ? 'on' : 'off',
        // The benchmark's single node has no replica to confirm writes.
        sessions: inProcessTarget(
          createRedisStore({
            connection: single,
            backend: 'redis',
            prefix: `b${cache}`,
            minReplicaAcks: 0,
            absoluteTtlMs,
          }),
        ),
        cached: cache,
      }),
    );
    const clustered = await connectRedis({ urls: cluster.urls, cluster: true, nearCache: cache ? nearCache : null });
    rows.push(
      await measureBackend({
        backend: 'redis-cluster',
        cacheLabel: cache ? 'on' : 'off',
        sessions: inProcessTarget(
          createRedisStore({ connection: clustered, backend: 'redis-cluster', prefix: `b${cache}`, absoluteTtlMs }),
        ),
        cached: cache,
      }),
    );
  }
  rows.push(
    await measureBackend({
      backend: 'redis-cluster, via HTTP',
      cacheLabel: 'on',
      sessions: await overHttpTarget(cluster.urls),
      cached: true,
    }),
  );
  const visibility = await revocationVisibility(cluster.urls);

  const section = writeBenchmarkSection({
    title: 'Sessions',
    body: renderSessionsSection({ rows, baseline, visibility }),
  });
  console.log(`\n${section}`);
} finally {
  await Promise.allSettled([redis.stop(), cluster.stop(), postgres.stop()]);
}
