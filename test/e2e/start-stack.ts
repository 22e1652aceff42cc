import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityTestDatabase } from '@authscale/identity/testing';
import { createRefreshTokenTable } from '@authscale/orchestrator';
import { freePorts, type ServiceProcess, sharedServers, startTopology, type Topology } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Where a stack's services listen (or, behind balancers, where they are reached). */
type StackWiring = Pick<Topology, 'publicOrigin' | 'sessionPorts' | 'orchestratorPort'> & Partial<Topology>;

/**
 * What every e2e stack runs on: a fresh identity database and token table on the shared Postgres
 * and DynamoDB emulator, and a key prefix of its own in the shared Redis Cluster, so the stacks of
 * concurrent test files never meet. `topology` completes a stack's wiring with those settings.
 */
export async function prepareStackBackends() {
  const servers = await sharedServers();
  const database = await createIdentityTestDatabase(servers.postgres.url);
  const suffix = randomBytes(4).toString('hex');
  const tokenTableName = `e2e-tokens-${suffix}`;
  const dynamodb = new DynamoDBClient({
    endpoint: servers.dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await createRefreshTokenTable({ client: dynamodb, tableName: tokenTableName });
  } catch (error) {
    await database.drop();
    throw error;
  } finally {
    dynamodb.destroy();
  }
  const shared = {
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
  };
  return {
    topology: (wiring: StackWiring): Topology => ({ ...shared, ...wiring }),
    drop: () => database.drop(),
  };
}

/**
 * The whole topology as separate processes on free ports: one session replica over the shared
 * Redis Cluster, the orchestrator over a fresh identity database and the shared DynamoDB
 * emulator, and the edge in front. The public origin is `http://localhost:<port>`, because
 * WebAuthn refuses IP addresses as RP IDs and browsers treat localhost as a secure context.
 */
export async function startStack({
  orchestratorEnv,
  inherited,
}: {
  /** Extra orchestrator settings that depend on the public origin (an OpenID provider's redirect URI). */
  orchestratorEnv?: (publicOrigin: string) => Promise<Record<string, string>>;
  /** The environment every service starts from instead of this process's (`Topology.inherited`). */
  inherited?: Record<string, string | undefined>;
} = {}) {
  const backends = await prepareStackBackends();
  const [sessionPort, orchestratorPort, edgePort] = (await freePorts(3)) as [number, number, number];
  const logDir = mkdtempSync(join(tmpdir(), 'authscale-e2e-'));
  const publicOrigin = `http://localhost:${edgePort}`;

  const topology = await startTopology({
    topology: backends.topology({
      publicOrigin,
      sessionPorts: [sessionPort],
      orchestratorPort,
      ...(inherited ? { inherited } : {}),
      ...(orchestratorEnv ? { extraEnv: { orchestrator: await orchestratorEnv(publicOrigin) } } : {}),
    }),
    edgePort,
    logDir,
  }).catch(async (error: unknown) => {
    // The logs stay behind: the error names the one to read.
    await backends.drop();
    throw error;
  });

  const [session] = topology.sessions as [ServiceProcess];
  return {
    publicOrigin,
    logDir,
    pids: { session: session.pid, orchestrator: topology.orchestrator.pid, edge: topology.edge.pid },
    async stop() {
      await topology.stop();
      await backends.drop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
