import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createSessionClient } from '@authscale/core';
import { buildSessionApp, loadSessionConfig } from '@authscale/session';
import type { ValidationTarget } from './in-process-target.ts';

/** A replica serving the internal API on loopback, validated through the session client. */
export async function overHttpTarget(urls: string[]): Promise<ValidationTarget> {
  const internalToken = randomBytes(32).toString('base64url');
  const app = await buildSessionApp(
    loadSessionConfig({
      LOG_LEVEL: 'silent',
      INTERNAL_API_TOKEN: internalToken,
      SESSION_BACKEND: 'redis-cluster',
      REDIS_CLUSTER_URLS: urls.join(','),
      SESSION_KEY_PREFIX: 'bhttp',
      SESSION_TOUCH_INTERVAL_SECONDS: 29 * 60,
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const client = createSessionClient({
    replicas: [`http://127.0.0.1:${port}`],
    internalToken,
    healthCheckIntervalMs: 0,
  });
  return {
    create: client.create,
    validate: client.validate,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}
