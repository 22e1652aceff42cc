/**
 * `npm run stack`: the full topology on one machine. A real 6-node Redis Cluster, a real Postgres,
 * the DynamoDB emulator, N session replicas, the orchestrator and the edge, each service its own
 * process. Everything it started is recorded in `.authscale/stack.json`; Ctrl-C stops it all.
 * STACK_RUNTIME=image starts the services as their image does: on the image's Node major, which
 * runs `src/main.ts` with its own type stripping (CI's k6 smoke test runs that way).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startDynamoDb, startPostgres, startRedisCluster, waitFor } from '@authscale/testkit';
import { imageNode } from './image-node.ts';
import { localTokenTableName, provisionLocalData } from './stack/local-data-services.ts';
import { startServiceProcess } from './stack/service-process.ts';
import { removeState, type StackProcess, writeState } from './stack/state-file.ts';

const edgePort = Number(process.env.PORT ?? 8080);
const replicaCount = Number(process.env.SESSION_REPLICAS_COUNT ?? 2);
// 2 is what prod runs: after a primary fails, its promoted replica still has one to acknowledge writes.
const redisReplicasPerPrimary = Number(process.env.REDIS_REPLICAS_PER_PRIMARY ?? 1);
const runtime = process.env.STACK_RUNTIME === 'image' ? imageNode() : undefined;
const logDir = join('.authscale', 'logs');
mkdirSync(logDir, { recursive: true });

const started = Date.now();
const [redis, postgres, dynamodb] = await Promise.all([
  startRedisCluster({ replicas: redisReplicasPerPrimary }),
  startPostgres(),
  startDynamoDb(),
]);
const { databaseUrl } = await provisionLocalData({ adminUrlFor: postgres.urlFor, dynamodbEndpoint: dynamodb.endpoint });

const internalToken = randomBytes(32).toString('base64url');
const shared = { INTERNAL_API_TOKEN: internalToken, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
const ports = await freePorts(replicaCount + 1);
const orchestratorPort = ports[replicaCount] as number;

const replicas = await Promise.all(
  Array.from({ length: replicaCount }, (_, index) =>
    startServiceProcess({
      role: 'session',
      name: `session-${index + 1}`,
      port: ports[index] as number,
      logDir,
      imageNode: runtime?.path,
      env: { ...shared, SESSION_BACKEND: 'redis-cluster', REDIS_CLUSTER_URLS: redis.urls.join(',') },
    }),
  ),
);
const sessionReplicas = replicas.map((replica) => replica.url).join(',');
// localhost, not 127.0.0.1: WebAuthn refuses IP addresses as RP IDs, so passkeys need a host name.
const publicOrigin = `http://localhost:${edgePort}`;

const orchestrator = await startServiceProcess({
  role: 'orchestrator',
  port: orchestratorPort,
  logDir,
  imageNode: runtime?.path,
  env: {
    ...shared,
    DATABASE_URL: databaseUrl,
    SESSION_REPLICAS: sessionReplicas,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    TOKEN_TABLE_NAME: localTokenTableName,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PUBLIC_ORIGIN: publicOrigin,
    INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
    INSECURE_LOCAL_HTTP_COOKIES: 'true',
    TRUST_PROXY_HOPS: '1',
    // The stack's data lives as long as the stack, so a key per run is enough.
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  },
});

const edge = await startServiceProcess({
  role: 'edge',
  port: edgePort,
  logDir,
  imageNode: runtime?.path,
  env: {
    ...shared,
    ORCHESTRATOR_URL: orchestrator.url,
    SESSION_REPLICAS: sessionReplicas,
    RATE_LIMIT_REDIS_URLS: redis.urls.join(','),
    // EDGE_NEAR_CACHE=off: the edge asks a session replica on every request (failover drills).
    ...(process.env.EDGE_NEAR_CACHE === 'off' ? {} : { SESSION_REDIS_URLS: redis.urls.join(',') }),
    PUBLIC_ORIGIN: publicOrigin,
    ALLOWED_ORIGINS: publicOrigin,
    INSECURE_LOCAL_HTTP_COOKIES: 'true',
  },
});

await waitFor(async () => ((await fetch(`${edge.url}/readyz`)).ok ? true : undefined), {
  timeoutMs: 120_000,
  what: 'the edge to be ready',
});

const processes: StackProcess[] = [
  ...[edge, orchestrator, ...replicas].map(({ role, pid, port, url, log }) => ({ role, pid, port, url, log })),
  ...(await Promise.all(
    redis.nodes.map(async (node) => ({
      role: (await redis.cli(node.port, 'ROLE')).startsWith('master')
        ? ('redis-primary' as const)
        : ('redis-replica' as const),
      pid: node.pid,
      port: node.port,
    })),
  )),
  { role: 'postgres', pid: postgres.pid, port: postgres.port },
  { role: 'dynamodb', pid: process.pid, port: dynamodb.port, url: dynamodb.endpoint },
];
writeState({ startedAt: new Date().toISOString(), edgeUrl: publicOrigin, processes });

console.log(`authscale stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${publicOrigin}`);
if (runtime)
  console.log(`services run as their image does: Node ${runtime.major}, src/main.ts, its own type stripping`);
for (const { role, pid, port } of processes)
  console.log(`  ${role.padEnd(14)} pid ${String(pid).padEnd(8)} port ${port}`);
console.log(`state: .authscale/stack.json, logs: .authscale/logs/. Ctrl-C stops everything.`);

// The harness kills every process it spawned on exit; the data services get a clean stop first.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the stack');
    removeState();
    void Promise.allSettled([redis.stop(), postgres.stop(), dynamodb.stop()]).then(() => process.exit(0));
  });
}
