import { listen } from '@authscale/core';
import { buildOrchestratorApp } from './app.ts';
import { loadOrchestratorConfig } from './config.ts';

const config = loadOrchestratorConfig(process.env);
const app = await buildOrchestratorApp(config);
await listen(app, { host: config.HOST, port: config.PORT });
