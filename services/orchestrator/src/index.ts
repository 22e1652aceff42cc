export { buildOrchestratorApp } from './app.ts';
export type { OrchestratorConfig } from './config.ts';
export { loadOrchestratorConfig, orchestratorConfigSchema } from './config.ts';
