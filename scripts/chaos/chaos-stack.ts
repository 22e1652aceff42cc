import { globSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DynamoDbEmulator,
  freePorts,
  type PostgresServer,
  type RedisClusterServer,
  type RunningTopology,
  type ServiceName,
  type SmtpSink,
  startDynamoDb,
  startPostgres,
  startRedisCluster,
  startService,
  startSmtpSink,
  startTopology,
  type Topology,
  topologyEnv,
} from '@authscale/testkit';
import { freshLocalSecrets, provisionLocalData } from '../stack/local-data-services.ts';
import { type PartitionableRedisCluster, startPartitionableRedisCluster } from './redis-namespaces.ts';
import { type Link, startToxiproxy, type Toxiproxy } from './toxiproxy.ts';

export interface ChaosStack {
  /** The public origin: the first edge's. */
  origin: string;
  /** Both edges, which share the origin's settings (a load balancer's targets). */
  edges: string[];
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
  /** Moves the `skewableClock` service's wall clock this many seconds from the real one. */
  setClockOffset(seconds: number): void;
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

/**
 * What makes a service's wall clock read `offsetFile` (`+30s`, `+0`), through libfaketime
 * preloaded into its Node process; read again at most once a second, so a scenario moves it while
 * the service runs. Timers and `performance.now()` run on the monotonic clock, left real.
 */
function skewedClockEnv(offsetFile: string): Record<string, string> {
  const library = globSync('/usr/lib/*/faketime/libfaketimeMT.so.1')[0];
  if (!library) throw new Error('libfaketime is missing: sudo apt-get install -y faketime');
  return {
    LD_PRELOAD: library,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_CACHE_DURATION: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

const loopback = (port: number) => `127.0.0.1:${port}`;
const throughProxy = (url: string, proxy: Link) => Object.assign(new URL(url), { port: String(proxy.port) }).href;

/**
 * The topology of `npm run stack` (2 session replicas, the orchestrator, two edges, each its own
 * process; a Redis Cluster of 3 primaries with 2 replicas each, as prod runs; Postgres; the
 * DynamoDB emulator), with a Toxiproxy proxy on every link from a service to what it calls, so a
 * scenario can slow, reset or cut one link; with `partitionableRedis`, each Redis node in a network
 * namespace of its own (`redis-namespaces.ts`), so a scenario can split the cluster. The edge's limits are raised through the environment,
 * as for any load test from one address: the limiters still run on every request.
 */
export async function startChaosStack({
  partitionableRedis = false,
  skewableClock,
}: {
  partitionableRedis?: boolean;
  /** The service whose wall clock `setClockOffset` moves (libfaketime; timers keep real time). */
  skewableClock?: ServiceName;
} = {}): Promise<ChaosStack> {
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
    const [edgePort, secondEdgePort, orchestratorPort, ...sessionPorts] = (await freePorts(5)) as [
      number,
      number,
      number,
      ...number[],
    ];
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
    const clockOffsetFile = join(logDir, 'clock-offset');
    writeFileSync(clockOffsetFile, '+0');
    const skewed = skewableClock ? { [skewableClock]: skewedClockEnv(clockOffsetFile) } : {};
    const urlsOf = (proxies: Link[]) => proxies.map((each) => `http://${loopback(each.port)}`).join(',');
    const limitsOff = { RATE_LIMIT_PER_IP_MAX: '1000000000', RATE_LIMIT_SIGN_IN_MAX: '1000000000' };
    const origin = `http://localhost:${edgePort}`;
    const wiring: Topology = {
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
        session: { ...skewed.session },
        edge: {
          SESSION_REPLICAS: urlsOf(links.edgeToSessions),
          ORCHESTRATOR_URL: `http://${loopback(links.edgeToOrchestrator.port)}`,
          ...skewed.edge,
        },
        orchestrator: {
          SESSION_REPLICAS: urlsOf(links.orchestratorToSessions),
          DATABASE_URL: throughProxy(data.databaseUrl, links.orchestratorToPostgres),
          DYNAMODB_ENDPOINT: `http://${loopback(links.orchestratorToDynamoDb.port)}`,
          ...skewed.orchestrator,
        },
      },
    };
    const topology = await startTopology({ topology: wiring, edgePort, logDir });
    started.unshift(topology);
    // A second edge, as behind a load balancer: a revoke through one must reach the other's near cache.
    const secondEdge = await startService({
      service: 'edge',
      port: secondEdgePort,
      env: topologyEnv(wiring).edge,
      inheritEnv: false,
      logFile: join(logDir, 'edge-2.log'),
    });
    started.unshift(secondEdge);
    return {
      origin,
      edges: [origin, `http://localhost:${secondEdgePort}`],
      topology,
      redis,
      postgres,
      dynamodb,
      toxiproxy,
      links,
      logDir,
      setClockOffset: (seconds) => writeFileSync(clockOffsetFile, `${seconds >= 0 ? '+' : ''}${seconds}s`),
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
