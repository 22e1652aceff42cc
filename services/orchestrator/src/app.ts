import {
  type CreateServiceOptions,
  createService,
  insecureLocalHttpSessionCookie,
  internalApiToken,
  principalAssertionSecret,
  principalKeys,
  type SessionCookieSettings,
  secureSessionCookie,
} from '@authscale/core';
import { type TenantCaller, tenantContext } from '@authscale/identity';
import type { FastifyRequest } from 'fastify';
import { meRoutes } from './account/me-routes.ts';
import { passwordRoutes } from './account/password-routes.ts';
import { apiKeyRoutes } from './api-keys/api-key-routes.ts';
import { apiKeyScopePlugin } from './api-keys/api-key-scope-plugin.ts';
import { internalApiKeyRoutes } from './api-keys/internal-api-key-routes.ts';
import { auditEventRoutes } from './audit/audit-event-routes.ts';
import type { OrchestratorConfig } from './config.ts';
import type { OrchestratorDependencies } from './dependencies.ts';
import { emailChangeRoutes } from './email-change/email-change-routes.ts';
import { emailCodeRoutes } from './email-code/email-code-routes.ts';
import { emailVerificationRoutes } from './email-verification/email-verification-routes.ts';
import { beforeSignUpHook } from './hooks/before-sign-up-hook.ts';
import { beforeTokenHook } from './hooks/before-token-hook.ts';
import { hookEndpointsFromConfig } from './hooks/hook-config.ts';
import { invitationRoutes } from './invitations/invitation-routes.ts';
import { createDeviceCookies } from './login-throttle/device-cookies.ts';
import { createCeremonies } from './mfa/create-ceremonies.ts';
import { createSecurityNotices } from './notices/create-security-notices.ts';
import { oidcRoutes } from './oidc/oidc-routes.ts';
import { openapiPlugin } from './openapi/openapi-plugin.ts';
import { openapiRoutes } from './openapi/openapi-routes.ts';
import { passkeyManagementRoutes } from './passkeys/passkey-management-routes.ts';
import { passkeyRoutes } from './passkeys/passkey-routes.ts';
import { passwordResetRoutes } from './password-reset/password-reset-routes.ts';
import { principalPlugin } from './principal/principal-plugin.ts';
import { projectRoutes } from './projects/project-routes.ts';
import { refreshTokenRoutes } from './refresh-tokens/refresh-token-routes.ts';
import { logoutRoutes } from './sessions/logout-routes.ts';
import { sessionRoutes } from './sessions/session-routes.ts';
import { completeSignIn } from './sign-in/complete-sign-in.ts';
import { loginRoutes } from './sign-in/login-routes.ts';
import { signupRoutes } from './sign-in/signup-routes.ts';
import { memberRoutes } from './tenants/member-routes.ts';
import { tenantRoutes } from './tenants/tenant-routes.ts';
import { accessTokensPlugin } from './tokens/access-tokens-plugin.ts';
import { jwksRoutes } from './tokens/jwks-routes.ts';
import { totpManagementRoutes } from './totp/totp-management-routes.ts';
import { totpRoutes } from './totp/totp-routes.ts';
import { totpEmailRecoveryRoutes } from './totp-email-recovery/totp-email-recovery-routes.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';

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
  // The cookie is set here and read by the edge: both take its settings from core.
  const sessionCookieSettings = config.INSECURE_LOCAL_HTTP_COOKIES
    ? insecureLocalHttpSessionCookie()
    : secureSessionCookie();
  const app = await createService({
    name: 'orchestrator',
    logLevel: config.LOG_LEVEL,
    ...(logDestination ? { logDestination } : {}),
    trustProxy: config.TRUST_PROXY_HOPS,
    readiness: { postgres: () => deps.identity.ping(), dynamodb: () => deps.refreshTokens.ping() },
    documentation: (service) => service.register(openapiPlugin, { sessionCookieName: sessionCookieSettings.name }),
  });
  app.addHook('onClose', async () => {
    await deps.close?.();
  });
  app.decorate('sessionCookieSettings', sessionCookieSettings);

  // Each secret with the values it rotates between: callers send the current one; the previous and
  // next ones are accepted too, so tasks a rotation apart work together (docs/runbooks/rotating-internal-secrets.md).
  const internalToken = internalApiToken(config);
  // The synchronous hooks (docs/hooks.md); unconfigured, each allows everything and adds nothing.
  const hooks = hookEndpointsFromConfig('orchestrator', config);
  const checkSignUp = beforeSignUpHook(hooks.beforeSignUp);
  await app.register(principalPlugin, { keys: principalKeys(principalAssertionSecret(config)).verifying });
  await app.register(apiKeyScopePlugin);
  await app.register(accessTokensPlugin, {
    keys: deps.signingKeys,
    issuer: config.PUBLIC_ORIGIN,
    audience: config.JWT_AUDIENCE,
    claimsFor: beforeTokenHook(hooks.beforeToken),
  });
  await app.register(tenantContext, { identity: deps.identity, currentCaller: tenantCallerOf });

  await app.register(jwksRoutes, { keys: deps.signingKeys });
  await app.register(openapiRoutes);

  await app.register(signupRoutes, { deps, settings: config, checkSignUp });
  const ceremonies = createCeremonies({
    config,
    identity: deps.identity,
    completeSignIn: (input) => completeSignIn({ deps, ...input }),
    checkSignUp,
    extraOidcProviders: deps.oidcProviders ?? [],
  });
  const deviceCookies = createDeviceCookies({ secret: internalToken, session: app.sessionCookieSettings });
  await app.register(loginRoutes, { deps, ceremonies, deviceCookies });
  const notices = createSecurityNotices({ users: deps.identity.users, mail: deps.mail });
  await app.register(emailCodeRoutes, { deps, ceremonies, deviceCookies, settings: config });
  await app.register(totpRoutes, { ceremonies, notices });
  await app.register(totpManagementRoutes, { ceremonies, notices });
  await app.register(totpEmailRecoveryRoutes, { deps, ceremonies, settings: config });
  await app.register(passkeyRoutes, { ceremonies, notices });
  await app.register(passkeyManagementRoutes, { ceremonies, notices });
  await app.register(oidcRoutes, { ceremonies, providers: ceremonies.oidcProviderNames });
  await app.register(sessionRoutes, { deps, ceremonies });
  await app.register(passwordRoutes, { deps, ceremonies });
  await app.register(emailChangeRoutes, { deps, ceremonies, settings: config });
  await app.register(emailVerificationRoutes, { deps, settings: config });
  await app.register(passwordResetRoutes, { deps, settings: config });
  await app.register(logoutRoutes, { deps });
  await app.register(refreshTokenRoutes, { deps });
  await app.register(meRoutes);
  await app.register(projectRoutes);
  await app.register(tenantRoutes, { deps });
  await app.register(memberRoutes, { deps, ceremonies });
  await app.register(invitationRoutes, { deps, ceremonies, settings: config });
  await app.register(auditEventRoutes);
  await app.register(apiKeyRoutes, { deps, ceremonies });
  await app.register(webhookRoutes, { deps, ceremonies, settings: config });
  await app.register(internalApiKeyRoutes, { deps, internalToken });
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
