import { createService } from '@authscale/core';
import type { OrchestratorConfig } from './config.ts';

/** Builds the orchestrator: sign-in ceremonies and token issuing. */
export async function buildOrchestratorApp(config: OrchestratorConfig) {
  const app = await createService({ name: 'orchestrator', logLevel: config.LOG_LEVEL });
  return app;
}
