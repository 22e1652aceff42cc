/**
 * `npm run bench:edge`: authenticated `GET /me` through the edge, with the session cookie (the
 * session replica answers from its near cache) and with a bearer JWT (verified at the edge against
 * the cached JWKS; its session checked live, then with that check switched off), against a bare
 * Fastify hello-world in the same run. The full topology runs as separate processes on this
 * machine. Prints a table and writes it into the "Edge" section of docs/benchmarks.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startDynamoDb, startPostgres, startRedisCluster, waitFor } from '@authscale/testkit';
import autocannon from 'autocannon';
import { startScript } from './bench/load.ts';
import { describeMachine, replaceSection } from './bench/measure.ts';
import { cpuPerRequest } from './bench/process-cpu.ts';
import { howServicesStart, onImageNode } from './image-node.ts';
import { localTokenTableName, provisionLocalData } from './stack/local-data-services.ts';
import { type ServiceProcess, startServiceProcess } from './stack/service-process.ts';

const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
/** Each row takes turns with the hello-world this many times; the median round stands for it. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = 32;
const logDir = mkdtempSync(join(tmpdir(), 'authscale-bench-edge-'));
// On the image's Node, every service starts as its image starts it (src/main.ts, type stripping).
const imageNode = onImageNode() ? process.execPath : undefined;
const startService = (options: Parameters<typeof startServiceProcess>[0]) =>
  startServiceProcess({ ...options, imageNode });
mkdirSync(logDir, { recursive: true });

type Tiers = Record<string, { pid: number; withChildren?: boolean }>;

/** A short warm-up fills connection pools, JIT caches and the near cache. */
const warmUp = (url: string, headers: Record<string, string>) => autocannon({ url, headers, connections, duration: 2 });

async function run(url: string, headers: Record<string, string>, tiers: Tiers) {
  let result: autocannon.Result | undefined;
  const cpu = await cpuPerRequest(tiers, async () => {
    result = await autocannon({ url, headers, connections, duration: durationSeconds });
    return { requests: result.requests.total };
  });
  const measured = result as autocannon.Result;
  if (measured.non2xx > 0 || measured.errors > 0) {
    const statuses = JSON.stringify(measured.statusCodeStats);
    throw new Error(
      `${url}: ${measured.non2xx} non-2xx answers (${statuses}) and ${measured.errors} errors under load`,
    );
  }
  return { rps: Math.round(measured.requests.average), p50: measured.latency.p50, p99: measured.latency.p99, cpu };
}

const [redis, postgres, dynamodb] = await Promise.all([startRedisCluster(), startPostgres(), startDynamoDb()]);
const processes: ServiceProcess[] = [];
const stops: (() => Promise<void>)[] = [];
try {
  const { databaseUrl } = await provisionLocalData({
    adminUrlFor: postgres.urlFor,
    dynamodbEndpoint: dynamodb.endpoint,
  });
  const [sessionPort, orchestratorPort, edgePort, lenientEdgePort, uncachedEdgePort, bareEdgePort] = (await freePorts(
    6,
  )) as [number, number, number, number, number, number];
  // As deployed: a request served well logs nothing at info, so the figures include logging.
  const shared = { INTERNAL_API_TOKEN: randomBytes(32).toString('base64url'), LOG_LEVEL: 'info' };
  const publicOrigin = `http://127.0.0.1:${edgePort}`;
  const session = await startService({
    role: 'session',
    port: sessionPort,
    logDir,
    env: { ...shared, SESSION_BACKEND: 'redis-cluster', REDIS_CLUSTER_URLS: redis.urls.join(',') },
  });
  const orchestrator = await startService({
    role: 'orchestrator',
    port: orchestratorPort,
    logDir,
    env: {
      ...shared,
      DATABASE_URL: databaseUrl,
      SESSION_REPLICAS: session.url,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      TOKEN_TABLE_NAME: localTokenTableName,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      PUBLIC_ORIGIN: publicOrigin,
      INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      TRUST_PROXY_HOPS: '1',
    },
  });
  const edgeEnv = {
    ...shared,
    ORCHESTRATOR_URL: orchestrator.url,
    SESSION_REPLICAS: session.url,
    RATE_LIMIT_REDIS_URLS: redis.urls.join(','),
    SESSION_REDIS_URLS: redis.urls.join(','),
    PUBLIC_ORIGIN: publicOrigin,
    // One client address sends everything here; the per-IP counter is still incremented per request.
    RATE_LIMIT_PER_IP_MAX: '1000000000',
  };
  const edge = await startService({ role: 'edge', port: edgePort, logDir, env: edgeEnv });
  const lenientEdge = await startService({
    role: 'edge',
    name: 'edge-no-revocation-check',
    port: lenientEdgePort,
    logDir,
    env: { ...edgeEnv, REQUEST_AUTH_CHECK_JWT_REVOCATION: 'false' },
  });
  const { SESSION_REDIS_URLS: _nearCacheOn, ...uncachedEdgeEnv } = edgeEnv;
  const uncachedEdge = await startService({
    role: 'edge',
    name: 'edge-without-near-cache',
    port: uncachedEdgePort,
    logDir,
    env: uncachedEdgeEnv,
  });
  processes.push(session, orchestrator, edge, lenientEdge, uncachedEdge);
  for (const service of [edge, lenientEdge, uncachedEdge]) {
    await waitFor(async () => ((await fetch(`${service.url}/readyz`)).ok ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the edge to be ready',
    });
  }
  // The same ceiling `npm run bench` measures against.
  const hello = await startScript('./ceiling-server.ts');
  stops.push(hello.stop);
  // An edge without its near cache in front of the hello-world instead of the orchestrator: what
  // the edge itself adds when it asks a replica and proxies every request.
  const edgeBeforeHello = await startService({
    role: 'edge',
    name: 'edge-before-hello-world',
    port: bareEdgePort,
    logDir,
    env: { ...uncachedEdgeEnv, ORCHESTRATOR_URL: hello.url, JWKS_URL: `${orchestrator.url}/.well-known/jwks.json` },
  });
  processes.push(edgeBeforeHello);

  const credentials = { email: `bench-${randomUUID()}@example.test`, password: `bench ${randomUUID()}` };
  const json = { 'content-type': 'application/json', origin: publicOrigin };
  const signup = await fetch(`${edge.url}/auth/signup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(credentials),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
  const login = await fetch(`${edge.url}/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(credentials),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;

  // CPU per request of every process on the path, so the table also reads as a capacity model.
  const redisPids = Object.fromEntries(redis.nodes.map((node, index) => [`redis${index}`, { pid: node.pid }]));
  const fullPath: Tiers = {
    edge: { pid: edge.pid },
    session: { pid: session.pid },
    orchestrator: { pid: orchestrator.pid },
    postgres: { pid: postgres.pid, withChildren: true },
    ...redisPids,
  };
  const lenientPath: Tiers = { ...fullPath, edge: { pid: lenientEdge.pid } };
  const uncachedPath: Tiers = { ...fullPath, edge: { pid: uncachedEdge.pid } };
  const edgeOnly: Tiers = {
    edge: { pid: edgeBeforeHello.pid },
    session: { pid: session.pid },
    hello: { pid: hello.pid },
    ...redisPids,
  };
  const bearer = { authorization: `Bearer ${accessToken}` };
  const helloTiers: Tiers = { hello: { pid: hello.pid } };
  const measured = [
    {
      what: 'edge `GET /me`, session cookie (near-cache hit)',
      url: `${edge.url}/me`,
      headers: { cookie },
      tiers: fullPath,
    },
    {
      what: 'edge `GET /me`, bearer JWT, revocation check on (near-cache hit)',
      url: `${edge.url}/me`,
      headers: bearer,
      tiers: fullPath,
    },
    {
      what: 'edge `GET /me`, session cookie, edge near cache off',
      url: `${uncachedEdge.url}/me`,
      headers: { cookie },
      tiers: uncachedPath,
    },
    {
      what: 'edge `GET /me`, bearer JWT, revocation check off',
      url: `${lenientEdge.url}/me`,
      headers: bearer,
      tiers: lenientPath,
    },
    {
      what: 'edge (near cache off) in front of the hello-world, session cookie',
      url: `${edgeBeforeHello.url}/me`,
      headers: { cookie },
      tiers: edgeOnly,
    },
  ];
  // The cores' speed drifts on a shared machine by tens of percent within a minute: each row takes
  // turns with the hello-world, and is read against the run just before it.
  type Run = Awaited<ReturnType<typeof run>>;
  const rows: Array<Run & { what: string; ceiling: Run; shares: number[] }> = [];
  for (const { what, url, headers, tiers } of measured) {
    await warmUp(`${hello.url}/me`, {});
    await warmUp(url, headers);
    const turns: Array<Run & { ceiling: Run; share: number }> = [];
    for (let round = 0; round < rounds; round++) {
      const ceiling = await run(`${hello.url}/me`, {}, helloTiers);
      const ours = await run(url, headers, tiers);
      turns.push({ ...ours, ceiling, share: ours.rps / ceiling.rps });
    }
    const byShare = turns.toSorted((a, b) => a.share - b.share);
    const middle = byShare[Math.floor(byShare.length / 2)] as (typeof turns)[number];
    rows.push({ what, ...middle, shares: turns.map((turn) => turn.share) });
  }
  const micros = (row: (typeof rows)[number], name: string) => {
    if (name === 'redis') {
      const values = Object.entries(row.cpu).filter(([key]) => key.startsWith('redis'));
      if (values.length === 0) return '';
      return String(values.reduce((sum, [, value]) => sum + (value ?? 0), 0));
    }
    const value = row.cpu[name];
    return value === undefined || value === null ? '' : String(value);
  };
  const percent = (share: number) => `${Math.round(100 * share)}%`;
  const tierNames = ['edge', 'session', 'orchestrator', 'postgres', 'redis', 'hello'];
  const lines = [
    `Command: \`npm run bench:edge\`. Machine: ${describeMachine()}; 1-minute load average at the end ${loadavg()[0]?.toFixed(1)}.`,
    `autocannon in the benchmark process, ${connections} connections (as \`npm run bench\`). Each row takes ${rounds} turns with the hello-world, ${durationSeconds} s each after a 2 s warm-up of both. Every process runs on this machine: the edge (its near cache on unless the row says otherwise), one session replica (redis-cluster backend, its own near cache on), the orchestrator (which reads the membership and the user from Postgres for \`/me\`), a 6-node Redis Cluster, Postgres and the DynamoDB emulator. Services log at \`info\`, as deployed, and ${howServicesStart()}. The hello-world is \`scripts/bench/ceiling-server.ts\`, the ceiling \`npm run bench\` uses, in its own process.`,
    '',
    `| request | req/s | p50 ms | p99 ms | hello-world just before, req/s | vs hello-world (each round) | CPU µs per request: ${tierNames.join(' / ')} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.what} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.ceiling.rps} | ${(100 * (row.rps / row.ceiling.rps)).toFixed(1)}% (${row.shares.map(percent).join(', ')}) | ${tierNames
          .map((name) => micros(row, name) || '-')
          .join(' / ')} |`,
    ),
    '',
    `Figures per row are from its median round of ${rounds}. The hello-world used ${rows.map((row) => row.ceiling.cpu.hello).join(', ')} µs of CPU per request in those rounds.`,
    '',
    "Target: >= 50% of hello-world throughput. On a near-cache hit the edge answers `GET /me` alone: the session it has seen under the user's current invalidation epoch, and the `/me` answer kept beside it (docs/sessions.md, \"The edge's near cache\"); per-IP counts go to Redis in batches. The bearer row also reuses the token's verification. With the edge's near cache off, every request asks the session replica and the orchestrator (which reads Postgres): that is the miss path. With the revocation check off there is no session entry for the answer to live beside, so `/me` goes to the orchestrator. The last row puts an edge without its near cache in front of the hello-world: what the edge adds when it asks a replica and proxies. The CPU columns (from /proc, per process, divided by the requests served) are the figures to plan capacity with; every process shares the cores with the load generator.",
  ];
  const section = `## Edge\n\n${lines.join('\n')}\n`;
  console.log(`\n${section}`);

  const path = new URL('../docs/benchmarks.md', import.meta.url);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  writeFileSync(path, replaceSection(current, 'Edge', section));
} finally {
  await Promise.allSettled(stops.map((stop) => stop()));
  for (const service of processes) {
    try {
      process.kill(service.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await Promise.allSettled([redis.stop(), postgres.stop(), dynamodb.stop()]);
}
