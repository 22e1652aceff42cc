import type { ChildProcess } from 'node:child_process';
import { freePort, spawnServer, stopProcess, waitFor } from '@authscale/testkit';

export interface ReplicaProcess {
  url: string;
  process: ChildProcess;
  /** SIGKILL: a crash, no draining. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const root = new URL('../../../../', import.meta.url).pathname;

/** Starts a real session replica process (`services/session/src/main.ts`) on a free port. */
export async function startReplica(env: Record<string, string>): Promise<ReplicaProcess> {
  const port = await freePort();
  // spawnServer registers the process, so a failing test or Ctrl-C never leaves a replica behind.
  const child = spawnServer(process.execPath, ['--import', 'tsx', 'services/session/src/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`session replica exited early:\n${stderr}`);
        const response = await fetch(`${url}/readyz`);
        return response.status === 200 ? true : undefined;
      },
      // Generous: on a loaded 2-core machine a cold tsx start can take tens of seconds.
      { what: `session replica on ${port}`, timeoutMs: 90_000 },
    );
  } catch (error) {
    await stopProcess(child, 'SIGKILL');
    throw error;
  }
  return {
    url,
    process: child,
    kill: () => stopProcess(child, 'SIGKILL'),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
