import {
  type CreateServiceOptions,
  createService,
  derivePrincipalKey,
  insecureLocalHttpSessionCookie,
  type SessionCookieSettings,
  secureSessionCookie,
} from '@authscale/core';
import { type TenantCaller, tenantContext } from '@authscale/identity';
import type { FastifyRequest } from 'fastify';
import { emailRoute } from './account/email-route.ts';
import { passwordRoute } from './account/password-route.ts';
import type { OrchestratorConfig } from './config.ts';
import type { OrchestratorDependencies } from './dependencies.ts';
import { completeSignIn } from './lib/complete-sign-in.ts';
import { createCeremonies } from './mfa/create-ceremonies.ts';
import { oidcRoutes } from './oidc/oidc-routes.ts';
import { passkeyManagementRoutes } from './passkeys/passkey-management-routes.ts';
import { passkeyRoutes } from './passkeys/passkey-routes.ts';
import { accessTokens } from './plugins/access-tokens.ts';
import { apiKeyScope } from './plugins/api-key-scope.ts';
import { openapi } from './plugins/openapi.ts';
import { principal } from './plugins/principal.ts';
import { internalApiKeysRoute } from './routes/internal-api-keys.ts';
import { loginRoute } from './routes/login.ts';
import { logoutRoute } from './routes/logout.ts';
import { meRoute } from './routes/me.ts';
import { projectsRoute } from './routes/projects.ts';
import { refreshRoute } from './routes/refresh.ts';
import { sessionsRoute } from './routes/sessions.ts';
import { signupRoute } from './routes/signup.ts';
import { tenantApiKeysRoute } from './routes/tenant-api-keys.ts';
import { tenantAuditEventsRoute } from './routes/tenant-audit-events.ts';
import { tenantMembersRoute } from './routes/tenant-members.ts';
import { tenantsRoute } from './routes/tenants.ts';
import { totpManagementRoutes } from './totp/totp-management-routes.ts';
import { totpRoutes } from './totp/totp-routes.ts';

/**
 * Builds the orchestrator: sign-in ceremonies, token issuing and the tenant-scoped API. Refuses
 * to start when its database role could bypass row-level security.
 */
export async function buildOrchestratorApp(
  config: OrchestratorConfig,
  deps: OrchestratorDependencies,
  { logDestination }: Pick<CreateServiceOptions, 'logDestination'> = {},
) {
  await deps.identity.assertSafeDatabaseRole();
  const app = await createService({
    name: 'orchestrator',
    logLevel: config.LOG_LEVEL,
    ...(logDestination ? { logDestination } : {}),
    trustProxy: config.TRUST_PROXY_HOPS,
    readiness: { postgres: () => deps.identity.ping(), dynamodb: () => deps.refreshTokens.ping() },
  });
  app.addHook('onClose', async () => {
    await deps.close?.();
  });
  // The cookie is set here and read by the edge: both take its settings from core.
  app.decorate(
    'sessionCookieSettings',
    config.INSECURE_LOCAL_HTTP_COOKIES ? insecureLocalHttpSessionCookie() : secureSessionCookie(),
  );

  await app.register(openapi);
  await app.register(principal, {
    key: derivePrincipalKey(config.PRINCIPAL_ASSERTION_KEY ?? config.INTERNAL_API_TOKEN),
  });
  await app.register(apiKeyScope);
  await app.register(accessTokens, {
    keys: deps.signingKeys,
    issuer: config.PUBLIC_ORIGIN,
    audience: config.JWT_AUDIENCE,
  });
  await app.register(tenantContext, { identity: deps.identity, currentCaller: tenantCallerOf });

  await app.register(signupRoute, { deps });
  const ceremonies = createCeremonies({
    config,
    identity: deps.identity,
    completeSignIn: (input) => completeSignIn({ deps, ...input }),
    extraOidcProviders: deps.oidcProviders ?? [],
  });
  await app.register(loginRoute, { deps, ceremonies });
  await app.register(totpRoutes, { ceremonies });
  await app.register(totpManagementRoutes, { ceremonies });
  await app.register(passkeyRoutes, { ceremonies });
  await app.register(passkeyManagementRoutes, { ceremonies });
  await app.register(oidcRoutes, { ceremonies, providers: ceremonies.oidcProviderNames });
  await app.register(sessionsRoute, { deps, ceremonies });
  await app.register(passwordRoute, { deps, ceremonies });
  await app.register(emailRoute, { deps, ceremonies });
  await app.register(logoutRoute, { deps });
  await app.register(refreshRoute, { deps });
  await app.register(meRoute);
  await app.register(projectsRoute);
  await app.register(tenantsRoute, { deps });
  await app.register(tenantMembersRoute, { deps });
  await app.register(tenantAuditEventsRoute);
  await app.register(tenantApiKeysRoute, { deps });
  await app.register(internalApiKeysRoute, { deps, internalToken: config.INTERNAL_API_TOKEN });
  return app;
}

/** The caller as tenant context sees it: a member by user id, or an API key bound to its tenant. */
function tenantCallerOf({ principal }: FastifyRequest): TenantCaller | null {
  if (!principal) return null;
  if (principal.kind === 'api_key') {
    // A key principal always names its tenant; one without is not a key the edge vouched for.
    return principal.tenantId ? { kind: 'api_key', tenantId: principal.tenantId } : null;
  }
  return { userId: principal.userId, ...(principal.tenantId ? { tenantId: principal.tenantId } : {}) };
}

declare module 'fastify' {
  interface FastifyInstance {
    sessionCookieSettings: SessionCookieSettings;
  }
}
