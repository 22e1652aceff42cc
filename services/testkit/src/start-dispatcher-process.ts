import type { ChildProcess } from 'node:child_process';
import { stopProcess } from './child-processes.ts';
import { serviceNodeFlags, spawnLogged } from './start-service.ts';

const repositoryRoot = new URL('../../../', import.meta.url).pathname;

/** The dispatcher's entry point in the orchestrator's folder, as its image runs it too. */
const entry = 'src/webhook-dispatcher-main.ts';

export interface StartDispatcherProcessOptions {
  /** Its whole environment (a topology's `webhook-dispatcher` role): nothing is inherited. */
  env: Record<string, string>;
  /** Appends stdout and stderr to this file. @default both discarded, stderr kept for a failed start */
  logFile?: string;
  /** As `startService`'s: run as the image does, on this Node binary. */
  imageNode?: string;
  /** @default 120000, as `startService`'s */
  timeoutMs?: number;
}

export interface DispatcherProcess {
  readonly role: 'webhook-dispatcher';
  readonly pid: number;
  readonly process: ChildProcess;
  readonly log?: string;
  /** SIGKILL: a crash, mid-delivery perhaps. */
  kill(): Promise<void>;
  /** SIGTERM: the pass in progress ends, then the process. */
  stop(): Promise<void>;
}

/**
 * Runs the webhook dispatcher as its own process, as its container would. It listens on nothing,
 * so it counts as started when it says so over the IPC channel this opens (the dispatcher sends
 * `ready` once it runs, the convention PM2's `wait_ready` uses); an exit before that fails the start.
 * Registered with the harness like every server, so it never outlives the run.
 */
export async function startDispatcherProcess({
  env,
  logFile,
  imageNode,
  timeoutMs = 120_000,
}: StartDispatcherProcessOptions): Promise<DispatcherProcess> {
  const cwd = `${repositoryRoot}services/orchestrator`;
  const [command, args] = imageNode
    ? [imageNode, [...serviceNodeFlags, entry]]
    : [process.execPath, ['--import', 'tsx', ...serviceNodeFlags, entry]];
  const { child, outputIn, stderr } = spawnLogged(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    logFile,
    ipc: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`webhook dispatcher not ready in ${timeoutMs} ms${outputIn}`)),
        timeoutMs,
      );
      child.once('message', (message) => {
        clearTimeout(timer);
        if (message === 'ready') resolve();
        else reject(new Error(`webhook dispatcher said ${JSON.stringify(message)}${outputIn}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`webhook dispatcher exited with ${code}${outputIn}:\n${stderr()}`));
      });
    });
  } catch (error) {
    await stopProcess(child, 'SIGKILL');
    throw error;
  }
  // Nothing more comes over the channel; open, it would keep this process alive.
  child.channel?.unref();
  return {
    role: 'webhook-dispatcher',
    pid: child.pid ?? -1,
    process: child,
    ...(logFile === undefined ? {} : { log: logFile }),
    kill: () => stopProcess(child, 'SIGKILL'),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
