import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityTestDatabase } from '@authscale/identity/testing';
import { freePorts, sharedServers } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ServiceProcess, startServiceProcess } from '../../../../scripts/stack/service-process.ts';
import { createRefreshTokenTable } from '../../src/index.ts';

/**
 * The whole topology as separate processes on free ports: one session replica over the shared
 * Redis Cluster, the orchestrator over a fresh identity database and the shared DynamoDB
 * emulator, and the edge in front. The public origin is `http://localhost:<port>`, because
 * WebAuthn refuses IP addresses as RP IDs and browsers treat localhost as a secure context.
 */
export async function startStack({
  orchestratorEnv,
}: {
  /** Extra orchestrator settings that depend on the public origin (an OpenID provider's redirect URI). */
  orchestratorEnv?: (publicOrigin: string) => Promise<Record<string, string>>;
} = {}) {
  const servers = await sharedServers();
  const database = await createIdentityTestDatabase(servers.postgres.url);
  const [sessionPort, orchestratorPort, edgePort] = (await freePorts(3)) as [number, number, number];
  const logDir = mkdtempSync(join(tmpdir(), 'authscale-e2e-'));
  const internalApiToken = randomBytes(32).toString('base64url');
  const publicOrigin = `http://localhost:${edgePort}`;
  const started: ServiceProcess[] = [];
  const suffix = randomBytes(4).toString('hex');
  const tokenTableName = `e2e-tokens-${suffix}`;
  const dynamodb = new DynamoDBClient({
    endpoint: servers.dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createRefreshTokenTable({ client: dynamodb, tableName: tokenTableName });
  dynamodb.destroy();

  try {
    started.push(
      await startServiceProcess({
        role: 'session',
        port: sessionPort,
        logDir,
        env: {
          INTERNAL_API_TOKEN: internalApiToken,
          SESSION_BACKEND: 'redis-cluster',
          REDIS_CLUSTER_URLS: servers.redisCluster.urls.join(','),
          SESSION_KEY_PREFIX: `e2e${suffix}`,
          LOG_LEVEL: 'warn',
        },
      }),
    );
    const sessionUrl = started[0]?.url as string;
    started.push(
      await startServiceProcess({
        role: 'orchestrator',
        port: orchestratorPort,
        logDir,
        env: {
          DATABASE_URL: database.appUrl,
          INTERNAL_API_TOKEN: internalApiToken,
          SESSION_REPLICAS: sessionUrl,
          DYNAMODB_ENDPOINT: servers.dynamodb.endpoint,
          TOKEN_TABLE_NAME: tokenTableName,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          PUBLIC_ORIGIN: publicOrigin,
          INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
          TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
          LOG_LEVEL: 'warn',
          ...(orchestratorEnv ? await orchestratorEnv(publicOrigin) : {}),
        },
      }),
    );
    const orchestratorUrl = started[1]?.url as string;
    started.push(
      await startServiceProcess({
        role: 'edge',
        port: edgePort,
        logDir,
        env: {
          ORCHESTRATOR_URL: orchestratorUrl,
          SESSION_REPLICAS: sessionUrl,
          RATE_LIMIT_REDIS_URLS: servers.redisCluster.urls.join(','),
          // Every e2e file drives its edge from 127.0.0.1 and they share the counters in Redis; the
          // per-IP limit itself is tested in services/edge/test/app.test.ts.
          RATE_LIMIT_PER_IP_MAX: '100000',
          SESSION_REDIS_URLS: servers.redisCluster.urls.join(','),
          SESSION_KEY_PREFIX: `e2e${suffix}`,
          PUBLIC_ORIGIN: publicOrigin,
          ALLOWED_ORIGINS: publicOrigin,
          INTERNAL_API_TOKEN: internalApiToken,
          LOG_LEVEL: 'warn',
        },
      }),
    );
  } catch (error) {
    for (const service of started) process.kill(service.pid, 'SIGTERM');
    throw error;
  }

  const [session, orchestrator, edge] = started as [ServiceProcess, ServiceProcess, ServiceProcess];
  return {
    publicOrigin,
    logDir,
    pids: { session: session.pid, orchestrator: orchestrator.pid, edge: edge.pid },
    async stop() {
      await Promise.all(
        started.map(
          (service) =>
            new Promise<void>((resolve) => {
              try {
                process.kill(service.pid, 'SIGTERM');
              } catch {
                resolve();
                return;
              }
              const poll = setInterval(() => {
                try {
                  process.kill(service.pid, 0);
                } catch {
                  clearInterval(poll);
                  resolve();
                }
              }, 50);
            }),
        ),
      );
      await database.drop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
