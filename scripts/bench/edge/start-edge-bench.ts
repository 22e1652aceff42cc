import { join } from 'node:path';
import {
  freePorts,
  type ServiceProcess,
  startDynamoDb,
  startOtlpReceiver,
  startPostgres,
  startRedisCluster,
  startService,
  startTopology,
  type Topology,
  topologyEnv,
} from '@authscale/testkit';
import { freshLocalSecrets, provisionLocalData } from '../../stack/local-data-services.ts';
import { startScript } from '../load.ts';

export type EdgeBench = Awaited<ReturnType<typeof startEdgeBench>>;

/**
 * Everything `npm run bench:edge` measures, each its own process on this machine: a Redis Cluster,
 * Postgres and the DynamoDB emulator; one session replica, the orchestrator and the edge; five
 * more edges, four with one setting changed each (one of them exporting traces and metrics to an
 * OTLP receiver in this process) and that one's twin without the change; and the hello-world
 * ceiling. `stop` ends them all, and is also called when a start fails.
 */
export async function startEdgeBench({ logDir, imageNode }: { logDir: string; imageNode?: string | undefined }) {
  const [redis, postgres, dynamodb] = await Promise.all([startRedisCluster(), startPostgres(), startDynamoDb()]);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.map((stopOne) => stopOne()));
    await Promise.allSettled([redis.stop(), postgres.stop(), dynamodb.stop()]);
  };
  try {
    const data = await provisionLocalData({
      adminUrlFor: postgres.urlFor,
      dynamodbEndpoint: dynamodb.endpoint,
    });
    const [
      sessionPort,
      orchestratorPort,
      edgePort,
      lenientEdgePort,
      uncachedEdgePort,
      bareEdgePort,
      tracedEdgePort,
      untracedEdgePort,
    ] = (await freePorts(8)) as [number, number, number, number, number, number, number, number];
    const topology: Topology = {
      publicOrigin: `http://127.0.0.1:${edgePort}`,
      sessionPorts: [sessionPort],
      orchestratorPort,
      redisClusterUrls: redis.urls,
      ...data,
      ...freshLocalSecrets(),
      // One client address sends everything here; the per-IP counter is still incremented per request.
      perIpLimit: 1_000_000_000,
      // As deployed: a request served well logs nothing at info, so the figures include logging.
      logLevel: 'info',
      inherited: process.env,
    };
    const stack = await startTopology({ topology, edgePort, logDir, imageNode });
    stops.push(stack.stop);
    /** Another edge in front of the same topology, with some of its settings changed. */
    const startEdge = async (name: string, port: number, changes: Partial<Topology>, waitPath = '/readyz') => {
      const edge = await startService({
        service: 'edge',
        port,
        waitPath,
        env: topologyEnv({ ...topology, ...changes }).edge,
        inheritEnv: false,
        logFile: join(logDir, `${name}.log`),
        ...(imageNode ? { imageNode } : {}),
      });
      stops.push(edge.stop);
      return edge;
    };
    const lenientEdge = await startEdge('edge-no-revocation-check', lenientEdgePort, {
      extraEnv: { edge: { REQUEST_AUTH_CHECK_JWT_REVOCATION: 'false' } },
    });
    const uncachedEdge = await startEdge('edge-without-near-cache', uncachedEdgePort, { edgeNearCache: false });
    // The traced edge's twin without an exporter, started the same way: two edge processes differ
    // by several percent on their own, and the stack's edge is started differently.
    const untracedEdge = await startEdge('edge-untraced', untracedEdgePort, {});
    // Telemetry as an operator would run it: every request measured, one trace in a hundred kept.
    const receiver = await startOtlpReceiver();
    stops.push(receiver.stop);
    const tracedEdge = await startEdge('edge-tracing-1-percent', tracedEdgePort, {
      extraEnv: {
        edge: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.01',
        },
      },
    });
    // The same ceiling `npm run bench` measures against.
    const hello = await startScript('./ceiling-server.ts');
    stops.push(hello.stop);
    // An edge without its near cache in front of the hello-world instead of the orchestrator: what
    // the edge itself adds when it asks a replica and proxies every request. It never turns ready
    // (the hello-world has no /healthz for its readiness check), so it counts as started once alive.
    const edgeBeforeHello = await startEdge(
      'edge-before-hello-world',
      bareEdgePort,
      {
        edgeNearCache: false,
        orchestratorPort: Number(new URL(hello.url).port),
        extraEnv: { edge: { JWKS_URL: `${stack.orchestrator.url}/.well-known/jwks.json` } },
      },
      '/healthz',
    );
    return {
      publicOrigin: topology.publicOrigin,
      edge: stack.edge,
      lenientEdge,
      uncachedEdge,
      untracedEdge,
      tracedEdge,
      edgeBeforeHello,
      session: stack.sessions[0] as ServiceProcess,
      orchestrator: stack.orchestrator,
      hello,
      postgres,
      redis,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
