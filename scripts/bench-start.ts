/**
 * `npm run bench:start`: authenticated `GET /me` from `npm start` (the whole platform in one
 * process), by session cookie and by bearer JWT, against the bare Fastify hello-world in the same
 * run, each taking turns with it as `npm run bench:edge` does. Prints a table and writes it into
 * the "One process (npm start)" section of docs/benchmarks.md.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureEdgeRows } from './bench/edge/measure-edge-rows.ts';
import { signInThroughEdge } from './bench/edge/sign-in-through-edge.ts';
import { startScript } from './bench/load.ts';
import { describeMachine } from './bench/measure.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  connections: 32,
};

// Its own directory, so the run neither reads nor leaves accounts in a developer's `.authscale/`.
const workDir = mkdtempSync(join(tmpdir(), 'authscale-bench-start-'));
// Run as root, `npm start` hands its database directory to the `postgres` user, who must reach it.
chmodSync(workDir, 0o755);
const stops: (() => Promise<void>)[] = [];
try {
  const hello = await startScript('./ceiling-server.ts');
  stops.push(hello.stop);
  const platform = await startScript(
    '../start.ts',
    // One client address sends everything here; the per-IP counter still counts every request.
    { RATE_LIMIT_PER_IP_MAX: '1000000000' },
    { cwd: workDir },
  );
  stops.push(platform.stop);
  const { cookie, accessToken } = await signInThroughEdge({
    edgeUrl: platform.url,
    origin: `http://localhost:${platform.port}`,
  });
  const tiers = { process: { pid: platform.pid, withChildren: false } };
  const rows = await measureEdgeRows({
    targets: [
      { what: '`npm start` `GET /me`, session cookie', url: `${platform.url}/me`, headers: { cookie }, tiers },
      {
        what: '`npm start` `GET /me`, bearer JWT, revocation check on',
        url: `${platform.url}/me`,
        headers: { authorization: `Bearer ${accessToken}` },
        tiers,
      },
    ],
    hello,
    ...settings,
  });
  const percent = (share: number) => `${Math.round(100 * share)}%`;
  const table = [
    '| request | req/s | p50 ms | p99 ms | hello-world just before, req/s | vs hello-world (each round) | CPU µs per request |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.what} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.ceiling.rps} | ${(100 * (row.rps / row.ceiling.rps)).toFixed(1)}% (${row.shares.map(percent).join(', ')}) | ${row.cpu.process ?? ''} |`,
    ),
  ].join('\n');
  const body = [
    `Command: \`npm run bench:start\`. Machine: ${describeMachine()}; 1-minute load average at the end ${(loadavg()[0] as number).toFixed(1)}.`,
    `autocannon in the benchmark process, ${settings.connections} connections. Each row takes ${settings.rounds} turns with the hello-world (\`scripts/bench/ceiling-server.ts\`, its own process), ${settings.seconds} s each after a 2 s warm-up of both; its figures are from its median round. \`npm start\` runs as a newcomer runs it: the edge, a session replica (sessions in memory) and the orchestrator in one process, with its embedded PostgreSQL and the DynamoDB emulator beside it; only the per-IP limit is raised (\`RATE_LIMIT_PER_IP_MAX\`), since one load generator is one client address. The CPU column is that one process's.`,
    '',
    table,
    '',
    "Target: >= 25% of the hello-world, with revocation still instant. The edge keeps its near cache in one process too: it reads the users' invalidation epochs straight from the in-memory session store, which changes one before a revoke or a user change is answered (`test/e2e/one-process-near-cache.test.ts`). A seen session is answered by the edge alone, as in the full topology.",
  ].join('\n');
  console.log(`\n${writeBenchmarkSection({ title: 'One process (npm start)', body })}`);
} finally {
  await Promise.allSettled(stops.map((stop) => stop()));
  rmSync(workDir, { recursive: true, force: true });
}
