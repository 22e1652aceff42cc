import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DynamoDbEmulator,
  freePorts,
  type PostgresServer,
  type RedisClusterServer,
  type RunningTopology,
  type SmtpSink,
  startDynamoDb,
  startPostgres,
  startRedisCluster,
  startSmtpSink,
  startTopology,
} from '@authscale/testkit';
import { freshLocalSecrets, provisionLocalData } from '../stack/local-data-services.ts';
import { type PartitionableRedisCluster, startPartitionableRedisCluster } from './redis-namespaces.ts';
import { type Link, startToxiproxy, type Toxiproxy } from './toxiproxy.ts';

export interface ChaosStack {
  /** The edge's public origin. */
  origin: string;
  topology: RunningTopology;
  /** With `partitionableRedis`, a cluster whose nodes can be split apart (`partition`, `heal`). */
  redis: RedisClusterServer & Partial<Pick<PartitionableRedisCluster, 'partition' | 'heal'>>;
  postgres: PostgresServer;
  dynamodb: DynamoDbEmulator;
  toxiproxy: Toxiproxy;
  /** Every dependency link, each through its own proxy, named client-to-dependency. */
  links: {
    edgeToSessions: Link[];
    edgeToOrchestrator: Link;
    orchestratorToSessions: Link[];
    orchestratorToPostgres: Link;
    orchestratorToDynamoDb: Link;
  };
  /** Where each service's log is, for a run that went wrong. */
  logDir: string;
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

const loopback = (port: number) => `127.0.0.1:${port}`;
const throughProxy = (url: string, proxy: Link) => Object.assign(new URL(url), { port: String(proxy.port) }).href;

/**
 * The topology of `npm run stack` (2 session replicas, the orchestrator, the edge, each its own
 * process; a Redis Cluster of 3 primaries with 2 replicas each, as prod runs; Postgres; the
 * DynamoDB emulator), with a Toxiproxy proxy on every link from a service to what it calls, so a
 * scenario can slow, reset or cut one link; with `partitionableRedis`, each Redis node in a network
 * namespace of its own (`redis-namespaces.ts`), so a scenario can split the cluster. The edge's limits are raised through the environment,
 * as for any load test from one address: the limiters still run on every request.
 */
export async function startChaosStack({ partitionableRedis = false } = {}): Promise<ChaosStack> {
  const logDir = mkdtempSync(join(tmpdir(), 'authscale-chaos-'));
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const [redis, postgres, dynamodb, mail, toxiproxy] = await Promise.all([
      partitionableRedis ? startPartitionableRedisCluster({ replicas: 2 }) : startRedisCluster({ replicas: 2 }),
      startPostgres(),
      startDynamoDb(),
      startSmtpSink(),
      startToxiproxy(),
    ]);
    started.push(redis, postgres, dynamodb, mail as SmtpSink, toxiproxy);
    const data = await provisionLocalData({
      adminUrlFor: postgres.urlFor,
      dynamodbEndpoint: dynamodb.endpoint,
    });
    const [edgePort, orchestratorPort, ...sessionPorts] = (await freePorts(4)) as [number, number, ...number[]];
    const proxy = (name: string, port: number) => toxiproxy.proxy(name, loopback(port));
    const links = {
      edgeToSessions: await Promise.all(sessionPorts.map((port, index) => proxy(`edge-to-session-${index + 1}`, port))),
      edgeToOrchestrator: await proxy('edge-to-orchestrator', orchestratorPort),
      orchestratorToSessions: await Promise.all(
        sessionPorts.map((port, index) => proxy(`orchestrator-to-session-${index + 1}`, port)),
      ),
      orchestratorToPostgres: await proxy('orchestrator-to-postgres', postgres.port),
      orchestratorToDynamoDb: await proxy('orchestrator-to-dynamodb', dynamodb.port),
    };
    const urlsOf = (proxies: Link[]) => proxies.map((each) => `http://${loopback(each.port)}`).join(',');
    const limitsOff = { RATE_LIMIT_PER_IP_MAX: '1000000000', RATE_LIMIT_SIGN_IN_MAX: '1000000000' };
    const origin = `http://localhost:${edgePort}`;
    const topology = await startTopology({
      topology: {
        publicOrigin: origin,
        sessionPorts,
        orchestratorPort,
        redisClusterUrls: redis.urls,
        ...data,
        ...freshLocalSecrets(),
        plainHttpCookies: true,
        smtpUrl: mail.url,
        inherited: { ...process.env, ...limitsOff },
        extraEnv: {
          edge: {
            SESSION_REPLICAS: urlsOf(links.edgeToSessions),
            ORCHESTRATOR_URL: `http://${loopback(links.edgeToOrchestrator.port)}`,
          },
          orchestrator: {
            SESSION_REPLICAS: urlsOf(links.orchestratorToSessions),
            DATABASE_URL: throughProxy(data.databaseUrl, links.orchestratorToPostgres),
            DYNAMODB_ENDPOINT: `http://${loopback(links.orchestratorToDynamoDb.port)}`,
          },
        },
      },
      edgePort,
      logDir,
    });
    started.unshift(topology);
    return {
      origin,
      topology,
      redis,
      postgres,
      dynamodb,
      toxiproxy,
      links,
      logDir,
      async stop({ keepLogs = false } = {}) {
        for (const each of started) await each.stop().catch(() => {});
        if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const each of started.reverse()) await each.stop().catch(() => {});
    throw error;
  }
}
