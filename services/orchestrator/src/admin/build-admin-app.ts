import { type CreateServiceOptions, createService } from '@authscale/core';
import type { AdminApiConfig } from './admin-api-config.ts';
import { adminAuditRoutes } from './admin-audit-routes.ts';
import type { AdminApiDependencies } from './admin-dependencies.ts';
import { adminOpenapiPlugin } from './admin-openapi-plugin.ts';
import { adminOpenapiRoutes } from './admin-openapi-routes.ts';
import { adminTenantRoutes } from './admin-tenant-routes.ts';
import { adminUserRoutes } from './admin-user-routes.ts';
import { adminWebhookRoutes } from './admin-webhook-routes.ts';
import { operatorAuthPlugin } from './operator-auth-plugin.ts';

/**
 * The admin API (docs/admin-api.md): operators' own listener, never behind the public edge,
 * authenticated by operator keys with scopes. Refuses to start when its database role could
 * bypass row-level security, as the orchestrator does.
 */
export async function buildAdminApp(
  config: AdminApiConfig,
  deps: AdminApiDependencies,
  { logDestination }: Pick<CreateServiceOptions, 'logDestination'> = {},
) {
  await deps.identity.assertSafeDatabaseRole();
  const app = await createService({
    name: 'admin-api',
    logLevel: config.LOG_LEVEL,
    ...(logDestination ? { logDestination } : {}),
    readiness: { postgres: () => deps.identity.ping(), dynamodb: () => deps.refreshTokens.ping() },
    documentation: (service) => service.register(adminOpenapiPlugin),
  });
  app.addHook('onClose', async () => {
    await deps.close?.();
  });
  await app.register(operatorAuthPlugin, { keys: deps.operatorKeys, identity: deps.identity });
  await app.register(adminOpenapiRoutes);
  await app.register(adminUserRoutes, { deps, settings: config });
  await app.register(adminTenantRoutes, { deps });
  await app.register(adminAuditRoutes, { deps });
  await app.register(adminWebhookRoutes, { deps, settings: config });
  return app;
}
