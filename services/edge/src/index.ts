export { buildEdgeApp } from './app.ts';
export type { EdgeConfig } from './config.ts';
export { edgeConfigSchema, loadEdgeConfig } from './config.ts';
