/**
 * `npm run bench [-- --sessions N]`: the results table. Measures, in one run on this machine,
 * live sessions held in a local Redis Cluster, password and passkey sign-in cost per core,
 * authenticated `GET /me` through the edge of the full local topology (max rate, p99 at half of
 * it, throughput against a bare Fastify ceiling and the seed's Express + express-session on
 * Postgres), and failover with a session replica and a Redis primary killed under load. Prints
 * the table and writes it as the "Results table" section of docs/benchmarks.md. Figures, not
 * pass/fail: a measure that cannot run is reported with the reason.
 */
import { parseArgs } from 'node:util';
import { startRedisCluster } from '@authscale/testkit';
import { redisPrimaryKilled, sessionReplicaKilled } from './bench/failover.ts';
import { measureLiveSessions } from './bench/live-sessions.ts';
import { sampleLoadAverage } from './bench/measure.ts';
import { measureBefore } from './bench/results/measure-before.ts';
import { measureEdgeThroughput } from './bench/results/measure-edge-throughput.ts';
import { measureOrReason } from './bench/results/measure-or-reason.ts';
import { renderResultsSection } from './bench/results/render-results-section.ts';
import { underOneFailure } from './bench/results/under-one-failure.ts';
import { passkeyVerificationsPerSecond, passwordChecksPerSecond } from './bench/sign-ins.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '1000000' } } });
const sessionCount = Number(values.sessions);
const throughputSeconds = 4;
/** The ceiling and the edge take turns this many times; their ratio is the median round's. */
const throughputTurns = 5;

const startedAt = new Date();
const loadAverage = sampleLoadAverage();

// Sign-ins first: pure CPU, on a machine not yet busy with servers.
const passwords = await measureOrReason('password checks', () => passwordChecksPerSecond(5));
const passkeys = await measureOrReason('passkey verifications', () => passkeyVerificationsPerSecond(5));
const live = await measureOrReason('live sessions', async () => {
  const cluster = await startRedisCluster();
  try {
    return await measureLiveSessions(cluster, sessionCount);
  } finally {
    await cluster.stop();
  }
});
const before = await measureOrReason('the "before" reference', () => measureBefore({ seconds: throughputSeconds }));
const edge = await measureOrReason('the full local topology', () =>
  measureEdgeThroughput({ seconds: throughputSeconds, turns: throughputTurns }),
);
const failover = await measureOrReason('failover, edge near cache off', async () => ({
  replica: await measureOrReason('session replica killed', () => underOneFailure(sessionReplicaKilled)),
  primary: await measureOrReason('Redis primary killed', () => underOneFailure(redisPrimaryKilled)),
}));

const body = renderResultsSection({
  measures: { passwords, passkeys, live, before, edge, failover },
  sessions: values.sessions,
  startedAt,
  loadAverage: loadAverage.stop(),
  throughputSeconds,
  throughputTurns,
});
console.log(body);
writeBenchmarkSection({ title: 'Results table', body, atTop: true });
console.log('\nwritten to docs/benchmarks.md');
process.exit(0);
