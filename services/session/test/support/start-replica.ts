import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, stopProcess, waitFor } from '@authscale/testkit';

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/session/src/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`session replica exited early:\n${stderr}`);
      const response = await fetch(`${url}/readyz`);
      return response.status === 200 ? true : undefined;
    },
    { what: `session replica on ${port}`, timeoutMs: 30_000 },
  );
  return {
    url,
    process: child,
    kill: () => stopProcess(child, 'SIGKILL'),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
