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
import {
  freePorts,
  type ServiceProcess,
  startDynamoDb,
  startPostgres,
  startRedisCluster,
  startService,
  startTopology,
  type Topology,
  topologyEnv,
} from '@authscale/testkit';
import autocannon from 'autocannon';
import { startScript } from './bench/load.ts';
import { describeMachine, replaceSection } from './bench/measure.ts';
import { cpuPerRequest } from './bench/process-cpu.ts';
import { howServicesStart, onImageNode } from './image-node.ts';
import { localTokenTableName, provisionLocalData } from './stack/local-data-services.ts';

const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
/** Each row takes turns with the hello-world this many times; the median round stands for it. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = 32;
const logDir = mkdtempSync(join(tmpdir(), 'authscale-bench-edge-'));
// On the image's Node, every service starts as its image starts it (src/main.ts, type stripping).
const imageNode = onImageNode() ? process.execPath : undefined;
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
const stops: (() => Promise<void>)[] = [];
try {
  const { databaseUrl } = await provisionLocalData({
    adminUrlFor: postgres.urlFor,
    dynamodbEndpoint: dynamodb.endpoint,
  });
  const [sessionPort, orchestratorPort, edgePort, lenientEdgePort, uncachedEdgePort, bareEdgePort] = (await freePorts(
    6,
  )) as [number, number, number, number, number, number];
  const topology: Topology = {
    publicOrigin: `http://127.0.0.1:${edgePort}`,
    sessionPorts: [sessionPort],
    orchestratorPort,
    redisClusterUrls: redis.urls,
    databaseUrl,
    dynamodbEndpoint: dynamodb.endpoint,
    tokenTableName: localTokenTableName,
    internalToken: randomBytes(32).toString('base64url'),
    totpEncryptionKey: randomBytes(32).toString('base64url'),
    // One client address sends everything here; the per-IP counter is still incremented per request.
    perIpLimit: 1_000_000_000,
    // As deployed: a request served well logs nothing at info, so the figures include logging.
    logLevel: 'info',
    inherited: process.env,
  };
  const stack = await startTopology({ topology, edgePort, logDir, imageNode });
  stops.push(stack.stop);
  const { orchestrator, edge } = stack;
  const session = stack.sessions[0] as ServiceProcess;
  /** Another edge in front of the same topology, with some of its settings changed. */
  const startEdge = async (name: string, port: number, changes: Partial<Topology>, waitPath = '/readyz') => {
    const started = await startService({
      service: 'edge',
      port,
      waitPath,
      env: topologyEnv({ ...topology, ...changes }).edge,
      inheritEnv: false,
      logFile: join(logDir, `${name}.log`),
      ...(imageNode ? { imageNode } : {}),
    });
    stops.push(started.stop);
    return started;
  };
  const lenientEdge = await startEdge('edge-no-revocation-check', lenientEdgePort, {
    extraEnv: { edge: { REQUEST_AUTH_CHECK_JWT_REVOCATION: 'false' } },
  });
  const uncachedEdge = await startEdge('edge-without-near-cache', uncachedEdgePort, { edgeNearCache: false });
  // The same ceiling `npm run bench` measures against.
  const hello = await startScript('./ceiling-server.ts');
  stops.push(hello.stop);
  // An edge without its near cache in front of the hello-world instead of the orchestrator: what
  // the edge itself adds when it asks a replica and proxies every request.
  const edgeBeforeHello = await startEdge(
    'edge-before-hello-world',
    bareEdgePort,
    {
      edgeNearCache: false,
      orchestratorPort: Number(new URL(hello.url).port),
      extraEnv: { edge: { JWKS_URL: `${orchestrator.url}/.well-known/jwks.json` } },
    },
    '/healthz',
  ); // never ready: the hello-world has no /healthz for its readiness check

  const credentials = { email: `bench-${randomUUID()}@example.test`, password: `bench ${randomUUID()}` };
  const json = { 'content-type': 'application/json', origin: topology.publicOrigin };
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
  await Promise.allSettled([redis.stop(), postgres.stop(), dynamodb.stop()]);
}
