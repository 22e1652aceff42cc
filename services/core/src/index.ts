export { apiKeyPrefix, isWellFormedApiKey } from './api-keys/api-key-format.ts';
export type { ApiKeyClient, ApiKeyClientOptions, VerifiedApiKey } from './api-keys/create-api-key-client.ts';
export { createApiKeyClient } from './api-keys/create-api-key-client.ts';
export type { LoadConfigOptions } from './config.ts';
export { loadConfig } from './config.ts';
export {
  cidr,
  cidrList,
  durationMs,
  durationSeconds,
  httpUrl,
  httpUrlList,
  origin,
  originList,
  redisPassword,
  redisUrl,
  redisUrlList,
  redisUsername,
  smtpUrl,
} from './config-fields.ts';
export type { CreateServiceOptions, ListenOptions, Service } from './create-service.ts';
export { createService, listen } from './create-service.ts';
export type { CsrfOriginOptions } from './csrf/csrf-origin.ts';
export { csrfOrigin } from './csrf/csrf-origin.ts';
export { emailMixesScripts } from './email/email-mixes-scripts.ts';
export { mailLinkPaths } from './email/mail-link-paths.ts';
export { normalizeEmail } from './email/normalize-email.ts';
export type { ErrorBody } from './error-handler.ts';
export { bearerChallenge, body as errorBody, errorHandler } from './error-handler.ts';
export type { NetworkFailure } from './errors/classify-network-failure.ts';
export { classifyNetworkFailure } from './errors/classify-network-failure.ts';
export { dependencyError } from './errors/dependency-error.ts';
export type { AuthErrorCode, AuthErrorOptions } from './errors.ts';
export {
  AuthError,
  authErrorCodes,
  ConfigError,
  defaultMessageFor,
  isAuthError,
  statusForCode,
} from './errors.ts';
export type { HealthOptions, ReadinessCheck } from './health.ts';
export { health, healthAnswerSchemas } from './health.ts';
export { refuseOtherMethods } from './http/refuse-other-methods.ts';
export type { AccessTokenClaims } from './jwt/access-token.ts';
export { accessTokenAlgorithm, accessTokenType } from './jwt/access-token.ts';
export type { CreateJwksCacheOptions } from './jwt/create-jwks-cache.ts';
export { createJwksCache } from './jwt/create-jwks-cache.ts';
export type { VerifiedTokenCacheOptions } from './jwt/verified-token-cache.ts';
export { cacheVerifiedTokens } from './jwt/verified-token-cache.ts';
export type { VerifyAccessTokenOptions } from './jwt/verify-access-token.ts';
export { verifyAccessToken } from './jwt/verify-access-token.ts';
export type { LoggerSettings } from './logger.ts';
export { loggerOptions, redactedLogPaths } from './logger.ts';
export { derivePrincipalKey } from './principal/derive-principal-key.ts';
export type { CredentialKind, Principal } from './principal/principal.ts';
export {
  principalAudience,
  principalHeaderName,
  principalIssuer,
  principalSchema,
} from './principal/principal.ts';
export type { PrincipalKeys } from './principal/principal-keys.ts';
export { principalKeys } from './principal/principal-keys.ts';
export type { SignPrincipalOptions } from './principal/sign-principal.ts';
export { signPrincipal } from './principal/sign-principal.ts';
export type { VerifyPrincipalOptions } from './principal/verify-principal.ts';
export { verifyPrincipal } from './principal/verify-principal.ts';
export type { ClusterCommandSender, RedisClusterRateLimitStoreOptions } from './rate-limit/redis-cluster-store.ts';
export { redisClusterRateLimitStore } from './rate-limit/redis-cluster-store.ts';
export { clusterTopologyRefreshMs } from './redis-cluster-failover.ts';
export { isLoopbackOrigin, refuseInsecureSettingsOffLoopback } from './refuse-insecure-settings.ts';
export type {
  AuthenticatedUser,
  RequestAuthApiKey,
  RequestAuthClaims,
  RequestAuthSession,
} from './request-auth/authenticated-user.ts';
export type { RequestAuthOptions } from './request-auth/request-auth.ts';
export { requestAuth } from './request-auth/request-auth.ts';
export type { SessionCookieSettings } from './request-auth/session-cookie.ts';
export {
  cookieValue,
  insecureLocalHttpSessionCookie,
  insecureLocalHttpSessionCookieName,
  secureSessionCookie,
  sessionCookieName,
} from './request-auth/session-cookie.ts';
export { serviceConfigFields } from './service-config.ts';
export type {
  CreateSessionInput,
  EpochTtlReader,
  SessionClient,
  SessionClientOptions,
  SessionNearCache,
  SessionNearCacheOptions,
  SessionView,
  TrackedGet,
} from './session-client/index.ts';
export {
  createdSessionSchema,
  createSessionClient,
  createSessionInputSchema,
  createSessionNearCache,
  freshQuerySchema,
  maxNearCacheAgeMs,
  measureEpochPropagation,
  purgedEpochTtlMs,
  rankReplicas,
  revokedCountSchema,
  sessionEpochKey,
  sessionEpochTtlMs,
  sessionFootprintSchema,
  sessionIdFor,
  sessionIdSchema,
  sessionListSchema,
  sessionParamsSchema,
  sessionReplySchema,
  sessionUserIdSchema,
  sessionViewSchema,
  TrackedEpochs,
  userParamsSchema,
  validateSessionInputSchema,
} from './session-client/index.ts';
export { sharedConfigFields } from './shared-config-fields.ts';
export type { InternalApiTokenSettings } from './shared-secrets/internal-api-token.ts';
export { internalApiToken } from './shared-secrets/internal-api-token.ts';
export { internalTokenCheck } from './shared-secrets/internal-token-check.ts';
export type { PrincipalAssertionSettings } from './shared-secrets/principal-assertion-secret.ts';
export { principalAssertionSecret } from './shared-secrets/principal-assertion-secret.ts';
export type { RotatingSecret } from './shared-secrets/rotating-secret.ts';
export { acceptedValues } from './shared-secrets/rotating-secret.ts';
export type {
  NearCacheName,
  ObservablePool,
  RateLimitRule,
  RefreshOutcome,
  SignInMethod,
  SignInOutcome,
  WebhookDeliveryOutcome,
} from './telemetry/index.ts';
export {
  countNearCacheLookup,
  countRateLimitRefusal,
  countRefreshTokenUse,
  countRefusal,
  countSignInAttempt,
  countWebhookDelivery,
  flushTelemetry,
  observeConnectionPool,
  recordRevocationPropagation,
  recordWebhookDeliveryLag,
  telemetryWanted,
} from './telemetry/index.ts';
