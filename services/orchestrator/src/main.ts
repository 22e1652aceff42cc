import { listen } from '@authscale/core';
import { buildOrchestratorApp } from './app.ts';
import { loadOrchestratorConfig } from './config.ts';
import { createOrchestratorDependencies } from './create-dependencies.ts';

const config = loadOrchestratorConfig(process.env);
const deps = await createOrchestratorDependencies(config);
const app = await buildOrchestratorApp(config, deps).catch(async (error: unknown) => {
  await deps.close?.();
  throw error;
});
await listen(app, { host: config.HOST, port: config.PORT });
