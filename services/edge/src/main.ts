import { listen } from '@authscale/core';
import { buildEdgeApp } from './app.ts';
import { loadEdgeConfig } from './config.ts';

const config = loadEdgeConfig(process.env);
const app = await buildEdgeApp(config);
await listen(app, { host: config.HOST, port: config.PORT });
