import { join } from 'node:path';
import { type DispatcherProcess, startDispatcherProcess } from '../start-dispatcher-process.ts';
import { type ServiceName, type ServiceProcess, startService } from '../start-service.ts';
import { type Topology, topologyEnv } from './topology-env.ts';

export interface StartTopologyOptions {
  /** Its `inherited` environment defaults to this process's. */
  topology: Topology;
  edgePort: number;
  /**
   * Each process appends its output to `<logDir>/<name>.log` (`session-1`, ..., `orchestrator`,
   * `edge`, `webhook-dispatcher`).
   */
  logDir?: string;
  /**
   * Also run the webhook dispatcher, its own process, once the orchestrator is up (it needs the
   * topology's `eventsDatabaseUrl`). @default false: tests that deliver start their own
   */
  webhookDispatcher?: boolean;
  /**
   * Also run the admin API, its own process, on this port (it needs the topology's
   * `operatorDatabaseUrl`). @default none
   */
  adminApiPort?: number;
  /** Start every service as its image does, on this Node binary (`startService`'s `imageNode`). */
  imageNode?: string | undefined;
}

export interface RunningTopology {
  sessions: ServiceProcess[];
  orchestrator: ServiceProcess;
  edge: ServiceProcess;
  /** Every service above, edge first. */
  processes: ServiceProcess[];
  /** With `webhookDispatcher`; it listens on nothing, so it is not among `processes`. */
  webhookDispatcher?: DispatcherProcess;
  /** With `adminApiPort`: operators' listener, not among `processes` (nothing public reaches it). */
  adminApi?: ServiceProcess;
  /** SIGTERM to every process, and waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a topology's services as their own processes, in the order they depend on each other
 * (the replicas, the orchestrator, the edge), each counted as started once its `/readyz` is green;
 * so the edge is ready when this resolves. A failure stops whatever had started.
 */
export async function startTopology({
  topology,
  edgePort,
  logDir,
  imageNode,
  webhookDispatcher = false,
  adminApiPort,
}: StartTopologyOptions): Promise<RunningTopology> {
  if (adminApiPort !== undefined && !topology.operatorDatabaseUrl) {
    throw new TypeError("startTopology: adminApiPort needs the topology's operatorDatabaseUrl");
  }
  if (webhookDispatcher && !topology.eventsDatabaseUrl) {
    throw new TypeError("startTopology: webhookDispatcher needs the topology's eventsDatabaseUrl");
  }
  const env = topologyEnv({ inherited: process.env, ...topology });
  const started: Array<ServiceProcess | DispatcherProcess> = [];
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
  };
  const start = async (service: ServiceName, name: string, port: number) => {
    const child = await startService({
      service,
      port,
      env: env[service],
      // The topology's env already holds what it inherits, and leaves out what it owns but does not set.
      inheritEnv: false,
      ...(logDir ? { logFile: join(logDir, `${name}.log`) } : {}),
      ...(imageNode ? { imageNode } : {}),
    });
    started.push(child);
    return child;
  };
  try {
    // allSettled: a replica that failed must not leave its siblings starting after the clean-up.
    const replicas = await Promise.allSettled(
      topology.sessionPorts.map((port, index) => start('session', `session-${index + 1}`, port)),
    );
    const failed = replicas.find((replica) => replica.status === 'rejected');
    if (failed) throw failed.reason;
    const sessions = replicas.map((replica) => (replica as PromiseFulfilledResult<ServiceProcess>).value);
    const orchestrator = await start('orchestrator', 'orchestrator', topology.orchestratorPort);
    const edge = await start('edge', 'edge', edgePort);
    const running: RunningTopology = {
      sessions,
      orchestrator,
      edge,
      processes: [edge, orchestrator, ...sessions],
      stop,
    };
    if (webhookDispatcher) {
      // After the orchestrator: its migrations made the outbox the dispatcher reads.
      running.webhookDispatcher = await startDispatcherProcess({
        env: env['webhook-dispatcher'],
        ...(logDir ? { logFile: join(logDir, 'webhook-dispatcher.log') } : {}),
        ...(imageNode ? { imageNode } : {}),
      });
      started.push(running.webhookDispatcher);
    }
    if (adminApiPort !== undefined) {
      running.adminApi = await startService({
        service: 'orchestrator',
        entry: { main: 'src/admin-api-main.ts', hostVariable: 'ADMIN_API_HOST', portVariable: 'ADMIN_API_PORT' },
        port: adminApiPort,
        env: env['admin-api'],
        inheritEnv: false,
        ...(logDir ? { logFile: join(logDir, 'admin-api.log') } : {}),
        ...(imageNode ? { imageNode } : {}),
      });
      started.push(running.adminApi);
    }
    return running;
  } catch (error) {
    await stop();
    throw error;
  }
}
