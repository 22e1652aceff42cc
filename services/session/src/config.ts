import { loadConfig, serviceConfigFields } from '@authscale/core';
import { Type } from 'typebox';

export const sessionConfigSchema = Type.Object({
  ...serviceConfigFields(8081),
});

export type SessionConfig = ReturnType<typeof loadSessionConfig>;

export function loadSessionConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'session', schema: sessionConfigSchema, values });
}
