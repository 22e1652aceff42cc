/**
 * `npm run stack`: the full topology on one machine. A real 6-node Redis Cluster, a real Postgres,
 * the DynamoDB emulator, N session replicas, the orchestrator, the edge, the webhook dispatcher and
 * the admin API (on ADMIN_API_PORT, default 8083), each its own process. Everything it started is recorded in `.authscale/stack.json`; Ctrl-C stops it all.
 * STACK_RUNTIME=image starts the services as their image does: on the image's Node major, which
 * runs `src/main.ts` with its own type stripping (CI's k6 smoke test runs that way).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { identityRoles } from '@authscale/identity';
import {
  freePorts,
  type StackProcess,
  stackStateFile,
  startDynamoDb,
  startPostgres,
  startRedisCluster,
  startTopology,
} from '@authscale/testkit';
import { imageNode } from './image-node.ts';
import { preflight } from './preflight.ts';
import { freshLocalSecrets, localDatabaseName, provisionLocalData } from './stack/local-data-services.ts';
import { startLocalMail } from './stack/local-mail.ts';
import { mintLocalOperatorKey } from './stack/local-operator-key.ts';

preflight(['redis-server', 'postgresql']);

const edgePort = Number(process.env.PORT ?? 8080);
const adminApiPort = Number(process.env.ADMIN_API_PORT ?? 8083);
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
const data = await provisionLocalData({ adminUrlFor: postgres.urlFor, dynamodbEndpoint: dynamodb.endpoint });
// SMTP_URL set in this shell reaches the orchestrator; without it, a sink keeps mail in .authscale/mail/.
const mail = await startLocalMail(process.env);

const ports = await freePorts(replicaCount + 1);
// localhost, not 127.0.0.1: WebAuthn refuses IP addresses as RP IDs, so passkeys need a host name.
const publicOrigin = `http://localhost:${edgePort}`;
// Every variable of this process's environment reaches every service (startTopology's default),
// so any setting a service reads can be changed for a local run.
const topology = await startTopology({
  topology: {
    publicOrigin,
    sessionPorts: ports.slice(0, replicaCount),
    orchestratorPort: ports[replicaCount] as number,
    redisClusterUrls: redis.urls,
    ...data,
    // The stack's data lives as long as the stack, so a key per run is enough.
    ...freshLocalSecrets(),
    // EDGE_NEAR_CACHE=off: the edge asks a session replica on every request (failover drills).
    edgeNearCache: process.env.EDGE_NEAR_CACHE !== 'off',
    plainHttpCookies: true,
    ...(mail.smtpUrl ? { smtpUrl: mail.smtpUrl } : {}),
  },
  edgePort,
  logDir,
  imageNode: runtime?.path,
  webhookDispatcher: true,
  adminApiPort,
});
const dispatcher = topology.webhookDispatcher;
const adminApi = topology.adminApi;

const processes: StackProcess[] = [
  ...topology.processes.map(({ service, pid, port, url, log }) => ({ role: service, pid, port, url, log })),
  ...(dispatcher
    ? [{ role: dispatcher.role, pid: dispatcher.pid, ...(dispatcher.log ? { log: dispatcher.log } : {}) }]
    : []),
  ...(adminApi
    ? [
        {
          role: 'admin-api' as const,
          pid: adminApi.pid,
          port: adminApi.port,
          url: adminApi.url,
          ...(adminApi.log ? { log: adminApi.log } : {}),
        },
      ]
    : []),
  ...(await Promise.all(
    redis.nodes.map(async (node) => ({
      role: (await redis.cli(node.port, 'ROLE')).startsWith('master')
        ? ('redis-primary' as const)
        : ('redis-replica' as const),
      pid: node.pid,
      port: node.port,
    })),
  )),
  // The owner's URL: what a developer's psql or a migration tool connects with.
  {
    role: 'postgres',
    pid: postgres.pid,
    port: postgres.port,
    url: postgres.urlFor(localDatabaseName, identityRoles.owner),
  },
  { role: 'dynamodb', pid: process.pid, port: dynamodb.port, url: dynamodb.endpoint },
];
const stateFile = stackStateFile();
stateFile.write({ startedAt: new Date().toISOString(), edgeUrl: publicOrigin, processes });

console.log(`authscale stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${publicOrigin}`);
if (runtime)
  console.log(`services run as their image does: Node ${runtime.major}, src/main.ts, its own type stripping`);
for (const { role, pid, port } of processes)
  console.log(`  ${role.padEnd(18)} pid ${String(pid).padEnd(8)}${port === undefined ? '' : ` port ${port}`}`);
if (adminApi) {
  console.log(`admin API: ${adminApi.url}, operator key for this run: ${await mintLocalOperatorKey(data)}`);
}
console.log(
  `state: .authscale/stack.json, logs: .authscale/logs/${mail.smtpUrl ? ', mail: .authscale/mail/' : ''}. Ctrl-C stops everything.`,
);

// The harness kills every process it spawned on exit; the data services get a clean stop first.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the stack');
    stateFile.remove();
    void Promise.allSettled([redis.stop(), postgres.stop(), dynamodb.stop(), mail.stop()]).then(() => process.exit(0));
  });
}
