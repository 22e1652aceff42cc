import { openSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceName, startService } from '@authscale/testkit';

export interface ServiceProcess {
  role: ServiceName;
  pid: number;
  port: number;
  url: string;
  log: string;
}

/** Starts one service as its own process, logging to `<logDir>/<name>.log`, and waits for its /healthz. */
export async function startServiceProcess({
  role,
  port,
  env,
  logDir,
  name = role,
  imageNode,
}: {
  role: ServiceName;
  port: number;
  env: Record<string, string>;
  logDir: string;
  name?: string;
  /** Start it as its image does, on this Node (`startService`'s `imageNode`). */
  imageNode?: string | undefined;
}): Promise<ServiceProcess> {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  const service = await startService({
    service: role,
    port,
    env,
    waitPath: '/healthz',
    stdio: ['ignore', fd, fd],
    ...(imageNode ? { imageNode } : {}),
  }).catch((error: unknown) => {
    throw new Error(`${name} did not start; see ${log}`, { cause: error });
  });
  return { role, pid: service.pid, port, url: service.url, log };
}
