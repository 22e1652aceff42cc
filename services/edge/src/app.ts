import { createService } from '@authscale/core';
import type { EdgeConfig } from './config.ts';

/** Builds the edge router: one origin for the public HTTP contract. */
export async function buildEdgeApp(config: EdgeConfig) {
  const app = await createService({ name: 'edge', logLevel: config.LOG_LEVEL });
  return app;
}
