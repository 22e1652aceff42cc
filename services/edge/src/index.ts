export type { BuildEdgeAppOptions } from './app.ts';
export { buildEdgeApp } from './app.ts';
export type { EdgeConfig } from './config.ts';
export { edgeConfigSchema, loadEdgeConfig } from './config.ts';
export type { EdgeDependencies, RedisClusterCommands } from './dependencies.ts';
export { createEdgeDependencies } from './dependencies.ts';
export { proxiedRoutes } from './orchestrator-proxy.ts';
