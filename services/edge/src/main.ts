import { listen } from '@authscale/core';
import { buildEdgeApp } from './app.ts';
import { loadEdgeConfig } from './config.ts';
import { createEdgeDependencies } from './dependencies.ts';

const config = loadEdgeConfig(process.env);
const clients = createEdgeDependencies(config);
const app = await buildEdgeApp(config, clients.dependencies);
clients.logTo(app.log);
app.addHook('onClose', () => clients.close());
await listen(app, { host: config.HOST, port: config.PORT });
