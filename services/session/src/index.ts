export { buildSessionApp } from './app.ts';
export type { SessionConfig } from './config.ts';
export { loadSessionConfig, sessionConfigSchema } from './config.ts';
