import { createService } from '@authscale/core';
import type { SessionConfig } from './config.ts';

/** Builds a session replica: a stateless tier over the session store with a coherent near cache. */
export async function buildSessionApp(config: SessionConfig) {
  const app = await createService({ name: 'session', logLevel: config.LOG_LEVEL });
  return app;
}
