/**
 * `npm run bench [-- --sessions N]`: the results table. Measures, in one run on this machine,
 * live sessions held in a local Redis Cluster, password and passkey sign-in cost per core,
 * authenticated `GET /me` through the edge of the full local topology (max rate, p99 at half of
 * it, throughput against a bare Fastify ceiling and the seed's Express + express-session on
 * Postgres), and failover with a session replica and a Redis primary killed under load. Prints
 * the table and writes it as the "Results table" section of docs/benchmarks.md. Figures, not
 * pass/fail: a measure that cannot run is reported with the reason.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPostgres, startRedisCluster } from '@authscale/testkit';
import { redisPrimaryKilled, sessionReplicaKilled } from './bench/failover.ts';
import { measureLiveSessions } from './bench/live-sessions.ts';
import { inTurns, type LoadRun, load, startScript } from './bench/load.ts';
import { type LocalStack, startLocalStack } from './bench/local-stack.ts';
import { describeMachine, median, sampleLoadAverage } from './bench/measure.ts';
import { replaceSection } from './bench/replace-section.ts';
import { passkeyVerificationsPerSecond, passwordChecksPerSecond } from './bench/sign-ins.ts';
import { howServicesStart } from './image-node.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '1000000' } } });
const sessionCount = Number(values.sessions);
const throughputSeconds = 4;
/** The ceiling and the edge take turns this many times; their ratio is the median round's. */
const throughputRounds = 5;

const startedAt = new Date();
const loadAverage = sampleLoadAverage();
const lines: string[] = [];
const note = (line: string) => {
  console.log(line);
  lines.push(line);
};
const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** Runs one measure; a failure becomes the row's figure instead of ending the run. */
async function measure<T>(name: string, body: () => Promise<T>): Promise<T | string> {
  console.error(`[bench] ${name}...`);
  try {
    return await body();
  } catch (error) {
    console.error(error);
    return `not measured: ${(error as Error).message.split('\n')[0]}`;
  }
}

const rows: Array<[string, string, string, string, string]> = [];
const row = (measure: string, before: string, after: string, target: string, here: string) =>
  rows.push([measure, before, after, target, here]);

// Sign-ins first: pure CPU, on a machine not yet busy with servers.
const passwords = await measure('password checks', () => passwordChecksPerSecond(5));
const passkeys = await measure('passkey verifications', () => passkeyVerificationsPerSecond(5));

const live = await measure('live sessions', async () => {
  const cluster = await startRedisCluster();
  try {
    return await measureLiveSessions(cluster, sessionCount);
  } finally {
    await cluster.stop();
  }
});

const before = await measure('the "before" reference', async () => {
  const postgres = await startPostgres();
  try {
    const server = await startScript('./before-server.ts', { DATABASE_URL: postgres.url });
    try {
      const login = await fetch(`${server.url}/login`, { method: 'POST' });
      const cookie = login.headers.getSetCookie()[0]?.split(';')[0] as string;
      return await load({ url: `${server.url}/me`, headers: { cookie }, seconds: throughputSeconds });
    } finally {
      await server.stop();
    }
  } finally {
    await postgres.stop();
  }
});

const edge = await measure('the full local topology', async () => {
  // On a busy machine a service can miss the stack's start-up deadline; one more try.
  const stack = await startLocalStack().catch(() => startLocalStack());
  try {
    const ceiling = await startScript('./ceiling-server.ts');
    try {
      const authscale = { url: `${stack.state.edgeUrl}/me`, headers: { cookie: stack.cookie } };
      const hello = { url: `${ceiling.url}/me` };
      await inTurns([hello, authscale], { rounds: 1, seconds: 2 }); // warm-up
      const [ceilingRuns, edgeRuns] = (await inTurns([hello, authscale], {
        rounds: throughputRounds,
        seconds: throughputSeconds,
      })) as [LoadRun[], LoadRun[]];
      const rounds = edgeRuns.map((run, index) => ({
        ceiling: (ceilingRuns[index] as LoadRun).requestsPerSecond,
        ours: run.requestsPerSecond,
      }));
      const max = median(rounds.map((round) => round.ours));
      const half = Math.max(1, Math.round(max / 2));
      const atHalf = await load({ ...authscale, seconds: 10, rate: half });
      return { rounds, max, half, atHalf };
    } finally {
      await ceiling.stop();
    }
  } finally {
    await stack.stop();
  }
});
// With its near cache on, the edge answers a seen session without any replica, and a replica's
// death would go unnoticed: the failover runs turn it off so every request reaches a replica.
// Each failure gets a fresh stack, so each run measures one failure, not one on top of the other.
async function underOneFailure<T>(failure: (stack: LocalStack, rate: number) => Promise<T>) {
  // Two replicas per primary, as prod runs: the promoted replica keeps one to acknowledge writes.
  const settings = { edgeNearCache: false, redisReplicasPerPrimary: 2 };
  const stack = await startLocalStack(settings).catch(() => startLocalStack(settings));
  try {
    const url = `${stack.state.edgeUrl}/me`;
    const headers = { cookie: stack.cookie };
    await load({ url, headers, seconds: 2 }); // warm-up
    const max = await load({ url, headers, seconds: 5 });
    return await failure(stack, Math.max(1, Math.round(max.requestsPerSecond / 2)));
  } finally {
    await stack.stop();
  }
}
const failover = await measure('failover, edge near cache off', async () => ({
  replica: await measure('session replica killed', () => underOneFailure(sessionReplicaKilled)),
  primary: await measure('Redis primary killed', () => underOneFailure(redisPrimaryKilled)),
}));
const load1 = loadAverage.stop();

const failed = (value: unknown): value is string => typeof value === 'string';
row(
  'authenticated request p99 at half of max rate',
  '2.3 s',
  '42 ms',
  '<= 10 ms',
  failed(edge)
    ? edge
    : `${fixed(edge.atHalf.p99)} ms at ${whole(edge.half)} req/s (max ${whole(edge.max)} req/s); ${edge.atHalf.errors} errors`,
);
row(
  'live sessions held',
  '~15k',
  '130k',
  '1,000,000 in the local Redis Cluster, <= 400 bytes each, lookup p99 unchanged from 10k',
  failed(live)
    ? live
    : `${whole(live.count)} held (filled in ${fixed(live.fillSeconds)} s); ${whole(live.bytesPerSession)} bytes each by used_memory on the primaries (${whole(live.keyBytesPerSession)} by MEMORY USAGE of its user's key); lookup p99 ${fixed(live.lookupP99AtSmall, 2)} ms at ${whole(live.smallCount)}, ${fixed(live.lookupP99AtFull, 2)} ms at ${whole(live.count)}`,
);
/** " (HTTP 503 x10, no answer x2)" for the errors a run had; nothing when it had none. */
const kinds = (counts: Record<string, number>) => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([kind, count]) => `${kind} x${count}`).join(', ')})`;
};
const replica = failed(failover) ? failover : failover.replica;
row(
  'failover, session replica killed',
  '~30 s',
  '~300 ms',
  'zero client errors, p99 during the kill <= 300 ms',
  failed(replica)
    ? replica
    : `${replica.errors} client errors${kinds(replica.errorKinds)} of ${whole(replica.requests)} requests; p99 in the 3 s after the kill ${fixed(replica.windowP99)} ms (edge near cache off: every request reached a replica)`,
);
const primary = failed(failover) ? failover : failover.primary;
row(
  'failover, Redis primary killed',
  '',
  '',
  "zero read errors, zero lost acknowledged writes, writes back within the cluster's failover window",
  failed(primary)
    ? primary
    : `${primary.readErrors} read errors${kinds(primary.readErrorKinds)} (p99 ${fixed(primary.readWindowP99)} ms in the 3 s after the kill); ${primary.lostAcknowledgedWrites} of ${whole(primary.acknowledgedWrites)} acknowledged writes lost (${primary.writeFailures} writes refused after the store's retry deadline); ${whole(primary.acknowledgedAfterKill)} acknowledged after the kill; writes unavailable: slowest acknowledged write ${whole(primary.slowestAcknowledgedWriteMs)} ms, longest gap between acknowledgements (or until the run ended) ${whole(primary.longestGapMs)} ms`,
);

const throughputLine = () => {
  const beforeFigure = failed(before) ? `not measured (${before})` : `${whole(before.requestsPerSecond)} req/s`;
  const head = `Throughput of authenticated \`GET /me\`, closed loop, 32 connections, ${throughputSeconds} s a run: the seed's "before" (Express, express-session on Postgres via connect-pg-simple, session lookup + user row) ${beforeFigure}`;
  if (failed(edge)) return `${head}; authscale: ${edge}.`;
  const shares = edge.rounds.map((round) => round.ours / round.ceiling);
  const turns = edge.rounds
    .map(
      (round, index) =>
        `${whole(round.ceiling)} / ${whole(round.ours)} (${fixed(100 * (shares[index] as number), 0)}%)`,
    )
    .join(', ');
  const versusBefore = failed(before)
    ? ''
    : ` and ${fixed(edge.max / before.requestsPerSecond)}x the "before" (target >= 10x)`;
  return `${head}. The bare Fastify hello-world (the ceiling) and authscale through the edge (its near cache on) took turns ${throughputRounds} times while the stack ran, ceiling / authscale req/s: ${turns}. Median round: authscale at ${fixed(100 * median(shares), 1)}% of the ceiling (target >= 50%). Median authscale run: ${whole(edge.max)} req/s${versusBefore}.`;
};

const perCore = (value: number | string, what: string) =>
  failed(value) ? `${what}: ${value}` : `${what}: ${whole(value)}/s`;
lines.length = 0;
note(
  `Command: \`npm run bench${values.sessions === '1000000' ? '' : ` -- --sessions ${values.sessions}`}\`, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${describeMachine()}; 1-minute load average during the run ${fixed(load1.min)} to ${fixed(load1.max)} (other work shared the machine).`,
);
note(
  `Everything runs on this one machine: the load generator (autocannon, in process), the edge, two session replicas, the orchestrator, a 6-node Redis Cluster and Postgres, so every figure includes their competition for the same cores. The services ${howServicesStart()}.`,
);
note('');
note('| measure | seed 000 before | seed 000 after | authscale target | measured here |');
note('| --- | --- | --- | --- | --- |');
for (const cells of rows) note(`| ${cells.join(' | ')} |`);
note('');
note(throughputLine());
note('');
note(
  `Sign-in cost, one at a time on one core: ${perCore(passwords, "password checks (Argon2id, 19 MiB, 2 passes, the orchestrator's verify)")}; ${perCore(passkeys, 'passkey verifications (ES256, @simplewebauthn/server verifyAuthenticationResponse)')}.`,
);
note('');
note(
  "How: live sessions are one user each (a hash per user holding one session, the costliest layout per session); the first 10k are written by the session store, the rest as the same commands with `redis-cli --pipe`; lookups are `validate` through the store with the near cache off. p99 at half of max rate is paced (autocannon `overallRate`), 10 s. Each failover run has a stack of its own (one failure at a time) whose edge has its near cache off (with it on, a seen session never reaches a replica) and whose Redis Cluster has two replicas per primary (as prod), 12 s of paced `GET /me` at half of that stack's max rate with the kill 4 s in; the Redis run also writes sessions (acknowledged by a replica) to the killed primary's slots.",
);

const section = `## Results table\n\n${lines.join('\n')}\n`;
const path = new URL('../docs/benchmarks.md', import.meta.url);
const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
writeFileSync(path, replaceSection(current, 'Results table', section, true));
console.log('\nwritten to docs/benchmarks.md');
process.exit(0);
