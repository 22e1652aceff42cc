import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityTestDatabase } from '@authscale/identity/testing';
import { createRefreshTokenTable } from '@authscale/orchestrator';
import { freePorts, type ServiceProcess, sharedServers, startTopology } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

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
  const publicOrigin = `http://localhost:${edgePort}`;
  // The stacks of concurrent test files share the cluster and the emulator, each under names of its own.
  const suffix = randomBytes(4).toString('hex');
  const tokenTableName = `e2e-tokens-${suffix}`;
  const dynamodb = new DynamoDBClient({
    endpoint: servers.dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createRefreshTokenTable({ client: dynamodb, tableName: tokenTableName });
  dynamodb.destroy();

  const topology = await startTopology({
    topology: {
      publicOrigin,
      sessionPorts: [sessionPort],
      orchestratorPort,
      redisClusterUrls: servers.redisCluster.urls,
      databaseUrl: database.appUrl,
      dynamodbEndpoint: servers.dynamodb.endpoint,
      tokenTableName,
      internalToken: randomBytes(32).toString('base64url'),
      totpEncryptionKey: randomBytes(32).toString('base64url'),
      sessionKeyPrefix: `e2e${suffix}`,
      // Every e2e file drives its edge from 127.0.0.1 and they share the counters in Redis; the
      // per-IP limit itself is tested in services/edge/test/app.test.ts.
      perIpLimit: 100_000,
      logLevel: 'warn',
      ...(orchestratorEnv ? { extraEnv: { orchestrator: await orchestratorEnv(publicOrigin) } } : {}),
    },
    edgePort,
    logDir,
  }).catch(async (error: unknown) => {
    // The logs stay behind: the error names the one to read.
    await database.drop();
    throw error;
  });

  const [session] = topology.sessions as [ServiceProcess];
  return {
    publicOrigin,
    logDir,
    pids: { session: session.pid, orchestrator: topology.orchestrator.pid, edge: topology.edge.pid },
    async stop() {
      await topology.stop();
      await database.drop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
