import { createService, derivePrincipalKey } from '@authscale/core';
import { tenantContext } from '@authscale/identity';
import type { OrchestratorConfig } from './config.ts';
import type { OrchestratorDependencies } from './dependencies.ts';
import { accessTokens } from './plugins/access-tokens.ts';
import { principal } from './plugins/principal.ts';
import { loginRoute } from './routes/login.ts';
import { logoutRoute } from './routes/logout.ts';
import { meRoute } from './routes/me.ts';
import { projectsRoute } from './routes/projects.ts';
import { refreshRoute } from './routes/refresh.ts';
import { signupRoute } from './routes/signup.ts';
import { tenantAuditEventsRoute } from './routes/tenant-audit-events.ts';
import { tenantMembersRoute } from './routes/tenant-members.ts';
import { tenantsRoute } from './routes/tenants.ts';

/**
 * Builds the orchestrator: sign-in ceremonies, token issuing and the tenant-scoped API. Refuses
 * to start when its database role could bypass row-level security.
 */
export async function buildOrchestratorApp(config: OrchestratorConfig, deps: OrchestratorDependencies) {
  await deps.identity.assertSafeDatabaseRole();
  const app = await createService({
    name: 'orchestrator',
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUST_PROXY,
    readiness: { postgres: () => deps.identity.ping(), dynamodb: () => deps.refreshTokens.ping() },
  });
  app.addHook('onClose', async () => {
    await deps.close?.();
  });

  await app.register(principal, {
    key: derivePrincipalKey(config.PRINCIPAL_ASSERTION_KEY ?? config.INTERNAL_API_TOKEN),
  });
  await app.register(accessTokens, {
    keys: deps.signingKeys,
    issuer: config.PUBLIC_ORIGIN,
    audience: config.JWT_AUDIENCE,
  });
  await app.register(tenantContext, {
    identity: deps.identity,
    currentCaller: (request) =>
      request.principal
        ? {
            userId: request.principal.userId,
            ...(request.principal.tenantId ? { tenantId: request.principal.tenantId } : {}),
          }
        : null,
  });

  await app.register(signupRoute, { deps });
  await app.register(loginRoute, { deps });
  await app.register(logoutRoute, { deps });
  await app.register(refreshRoute, { deps });
  await app.register(meRoute, { deps });
  await app.register(projectsRoute);
  await app.register(tenantsRoute, { deps });
  await app.register(tenantMembersRoute, { deps });
  await app.register(tenantAuditEventsRoute);
  return app;
}
