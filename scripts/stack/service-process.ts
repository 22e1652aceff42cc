import { openSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, waitFor } from '@authscale/testkit';

export interface ServiceProcess {
  role: 'edge' | 'session' | 'orchestrator';
  pid: number;
  port: number;
  url: string;
  log: string;
}

/** Starts one service as its own Node process, logging to a file, and waits for its /healthz. */
export async function startServiceProcess({
  role,
  port,
  env,
  logDir,
  name = role,
}: {
  role: ServiceProcess['role'];
  port: number;
  env: Record<string, string>;
  logDir: string;
  name?: string;
}): Promise<ServiceProcess> {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawnServer(process.execPath, ['--import', 'tsx', `services/${role}/src/main.ts`], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${log}`);
      const response = await fetch(`${url}/healthz`);
      return response.ok ? true : undefined;
    },
    { timeoutMs: 30_000, what: `${name} on ${url}` },
  );
  return { role, pid: child.pid ?? -1, port, url, log };
}
