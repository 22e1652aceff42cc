export { buildOrchestratorApp } from './app.ts';
export type { OrchestratorConfig } from './config.ts';
export { loadOrchestratorConfig, orchestratorConfigSchema } from './config.ts';
export { createOrchestratorDependencies } from './create-dependencies.ts';
export type { OrchestratorDependencies } from './dependencies.ts';
export { createRefreshTokenTable } from './refresh-tokens/create-refresh-token-table.ts';
export { generateSigningKey } from './tokens/generate-signing-key.ts';
export { startWebhookDispatcher } from './webhooks/start-webhook-dispatcher.ts';
