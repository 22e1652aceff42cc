import { loadConfig, serviceConfigFields } from '@authscale/core';
import { Type } from 'typebox';

export const edgeConfigSchema = Type.Object({
  ...serviceConfigFields(8080),
});

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

export function loadEdgeConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'edge', schema: edgeConfigSchema, values });
}
