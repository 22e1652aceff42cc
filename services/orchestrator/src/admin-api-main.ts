import { listen } from '@authscale/core';
import { loadAdminApiConfig } from './admin/admin-api-config.ts';
import { buildAdminApp } from './admin/build-admin-app.ts';
import { createAdminApiDependencies } from './admin/create-admin-api-dependencies.ts';

const config = loadAdminApiConfig(process.env);
const deps = createAdminApiDependencies(config);
const app = await buildAdminApp(config, deps).catch(async (error: unknown) => {
  await deps.close?.();
  throw error;
});
await listen(app, { host: config.ADMIN_API_HOST, port: config.ADMIN_API_PORT });
