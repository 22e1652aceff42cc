import { loadConfig, serviceConfigFields } from '@authscale/core';
import { Type } from 'typebox';

export const orchestratorConfigSchema = Type.Object({
  ...serviceConfigFields(8082),
});

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;

export function loadOrchestratorConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'orchestrator', schema: orchestratorConfigSchema, values });
}
