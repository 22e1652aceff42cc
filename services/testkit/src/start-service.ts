import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { spawnServer, stopProcess, waitFor } from './child-processes.ts';
import { freePort } from './free-port.ts';
import { loopbackUrl } from './topology/loopback-url.ts';

const repositoryRoot = new URL('../../../', import.meta.url).pathname;

export type ServiceName = 'edge' | 'session' | 'orchestrator';

/**
 * The Node flags every service runs with, here and in its image (`services/Dockerfile`'s CMD).
 * A young generation that never shrinks below 16 MB: V8 shrinks it to 1 MB whenever a process
 * goes quiet, and the next burst of requests then pays for four times as many scavenges until
 * it has grown back (`docs/benchmarks.md`, "Reading the throughput figures"). And OpenTelemetry,
 * started before the app loads when an `OTEL_*` variable asks for an exporter
 * (`docs/observability.md`).
 */
export const serviceNodeFlags: readonly string[] = [
  '--min-semi-space-size=16',
  '--import=@authscale/core/start-telemetry',
];

export interface StartServiceOptions {
  service: ServiceName;
  env: Record<string, string>;
  /** @default a free port */
  port?: number;
  /** The route that must answer 200 before the service counts as started. @default '/readyz' */
  waitPath?: string;
  /** @default 120000: a cold tsx start on a busy 2-core machine can take a minute */
  timeoutMs?: number;
  /** Where stdout and stderr go; stderr is also kept for the error message when the start fails. */
  stdio?: StdioStreams;
  /** Appends stdout and stderr to this file instead (`stdio` is then ignored). */
  logFile?: string;
  /**
   * Start from this process's environment, under `env`. Off when `env` is already complete (a
   * topology's, which has chosen what to inherit and what to leave unset). @default true
   */
  inheritEnv?: boolean;
  /**
   * Start the service as its image does: this Node binary (the image's major, which strips the
   * types itself) runs `src/main.ts` from the service's folder with the image's flags.
   * @default this process's Node, through tsx, from the repository root
   */
  imageNode?: string;
  /**
   * Another entry point of the service's folder, listening where its own variables say: the
   * orchestrator's admin API (`src/admin-api-main.ts`, `ADMIN_API_HOST`, `ADMIN_API_PORT`).
   * @default `src/main.ts` on `HOST` and `PORT`
   */
  entry?: { main: string; hostVariable: string; portVariable: string };
}

export interface ServiceProcess {
  service: ServiceName;
  url: string;
  port: number;
  pid: number;
  process: ChildProcess;
  /** The file its output goes to, when started with `logFile`. */
  log?: string;
  /** SIGKILL: a crash, no draining. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<void>;
}

/** Where a server's stdin, stdout and stderr go. */
type StdioStreams = Extract<StdioOptions, unknown[]>;

/**
 * Spawns a server process with its stdout and stderr appended to `logFile` (or as `stdio` says,
 * `ipc` appended when asked), keeping the tail of its stderr for the message of a failed start.
 */
export function spawnLogged(
  command: string,
  args: string[],
  {
    cwd,
    env,
    stdio,
    logFile,
    ipc = false,
  }: { cwd: string; env: NodeJS.ProcessEnv; stdio: StdioStreams; logFile?: string | undefined; ipc?: boolean },
) {
  const logFd = logFile === undefined ? undefined : openSync(logFile, 'a');
  const streams: StdioStreams = logFd === undefined ? stdio : ['ignore', logFd, logFd];
  const child = spawnServer(command, args, { cwd, env, stdio: ipc ? [...streams, 'ipc'] : streams });
  // The child holds its own copy of the descriptor.
  if (logFd !== undefined) closeSync(logFd);
  let tail = '';
  child.stderr?.on('data', (chunk) => (tail = (tail + chunk).slice(-4000)));
  return {
    child,
    outputIn: logFile === undefined ? '' : ` (output in ${logFile})`,
    stderr: () => tail,
  };
}

/**
 * Runs `services/<service>/src/main.ts` as its own process, as a container would, on loopback.
 * Registered with the harness, so a failing test or Ctrl-C never leaves it behind.
 */
export async function startService({
  service,
  env,
  port,
  waitPath = '/readyz',
  timeoutMs = 120_000,
  stdio = ['ignore', 'ignore', 'pipe'],
  logFile,
  inheritEnv = true,
  imageNode,
  entry = { main: 'src/main.ts', hostVariable: 'HOST', portVariable: 'PORT' },
}: StartServiceOptions): Promise<ServiceProcess> {
  const listenPort = port ?? (await freePort());
  const [command, args, cwd] = imageNode
    ? [imageNode, [...serviceNodeFlags, entry.main], `${repositoryRoot}services/${service}`]
    : // tsx first: it loads the telemetry preload too, on a Node that does not strip types itself.
      [process.execPath, ['--import', 'tsx', ...serviceNodeFlags, `services/${service}/${entry.main}`], repositoryRoot];
  const { child, outputIn, stderr } = spawnLogged(command, args, {
    cwd,
    env: {
      ...(inheritEnv ? { ...process.env, LOG_LEVEL: 'warn' } : {}),
      ...env,
      [entry.hostVariable]: '127.0.0.1',
      [entry.portVariable]: String(listenPort),
    },
    stdio,
    logFile,
  });
  const url = loopbackUrl(listenPort);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${service} exited with ${child.exitCode}${outputIn}:\n${stderr()}`);
        return (await fetch(`${url}${waitPath}`)).status === 200 ? true : undefined;
      },
      { what: `${service} on ${url}${waitPath}${outputIn}`, timeoutMs },
    );
  } catch (error) {
    await stopProcess(child, 'SIGKILL');
    throw error;
  }
  return {
    service,
    url,
    port: listenPort,
    pid: child.pid ?? -1,
    process: child,
    ...(logFile === undefined ? {} : { log: logFile }),
    kill: () => stopProcess(child, 'SIGKILL'),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
