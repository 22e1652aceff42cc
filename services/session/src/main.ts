import { listen } from '@authscale/core';
import { buildSessionApp } from './app.ts';
import { loadSessionConfig } from './config.ts';

const config = loadSessionConfig(process.env);
const app = await buildSessionApp(config);
await listen(app, { host: config.HOST, port: config.PORT });
