import {
  AuthError,
  countRateLimitRefusal,
  createService,
  csrfOrigin,
  insecureLocalHttpSessionCookie,
  redisClusterRateLimitStore,
  requestAuth,
  secureSessionCookie,
} from '@authscale/core';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { refuseNonCanonicalPaths } from './canonical-path.ts';
import type { EdgeConfig } from './config.ts';
import { demoPage } from './demo-page.ts';
import { createEdgeDependencies, type EdgeDependencies, type EdgeDependencyOptions } from './dependencies.ts';
import { exemptAddresses } from './exempt-addresses.ts';
import { orchestratorProxy } from './orchestrator-proxy.ts';
import { orchestratorAnswers, someSessionReplicaAnswers } from './readiness.ts';
import { apiSecurityHeaders, documentSecurityHeaders } from './security-headers.ts';
import { signInRateLimit } from './sign-in-rate-limit.ts';

/** Per-IP counters one edge holds between syncs (about 100 bytes each). */
const rateLimitLocalKeys = 100_000;

export interface BuildEdgeAppOptions extends EdgeDependencyOptions {
  /** Clients to use instead of building them from the configuration; the caller then closes them. */
  dependencies?: EdgeDependencies;
}

/** Builds the edge router: one origin for the public HTTP contract. */
export async function buildEdgeApp(config: EdgeConfig, options: BuildEdgeAppOptions = {}) {
  const owned = options.dependencies ? undefined : createEdgeDependencies(config, options);
  const dependencies = options.dependencies ?? (owned as NonNullable<typeof owned>).dependencies;
  const { rateLimitRedis, nearCacheRedis } = dependencies;
  const sessionCookie = config.INSECURE_LOCAL_HTTP_COOKIES ? insecureLocalHttpSessionCookie() : secureSessionCookie();

  const https = !config.INSECURE_LOCAL_HTTP_COOKIES;
  const app = await createService({
    name: 'edge',
    // Every answer, the framework's own refusals included; the demo page overrides them with its set.
    headers: apiSecurityHeaders({ https }),
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUST_PROXY_HOPS,
    readiness: {
      orchestrator: orchestratorAnswers(config.ORCHESTRATOR_URL),
      sessionReplicas: someSessionReplicaAnswers(config.SESSION_REPLICAS),
    },
    // Without the counters the edge still serves (per-IP limit fails open, sign-in fails closed):
    // reported, but not a reason for the load balancer to drop every edge task at once.
    // Without its session cluster the near cache only misses: every request asks a replica.
    optionalReadiness: {
      ...(rateLimitRedis ? { rateLimitRedis: () => rateLimitRedis.sendCommand(undefined, true, ['PING']) } : {}),
      ...(nearCacheRedis ? { nearCacheRedis: () => nearCacheRedis.sendCommand(undefined, true, ['PING']) } : {}),
    },
  });
  if (owned) {
    owned.logTo(app.log);
    app.addHook('onClose', () => owned.close());
  }
  if (config.INSECURE_LOCAL_HTTP_COOKIES) {
    app.log.warn('INSECURE_LOCAL_HTTP_COOKIES is on: the session cookie is not Secure. Local development only.');
  }
  if (!rateLimitRedis) {
    app.log.warn('RATE_LIMIT_REDIS_URLS is not set: rate limits count in this process only. One-process mode only.');
  }

  const rateLimitStore = rateLimitRedis
    ? redisClusterRateLimitStore({
        client: rateLimitRedis,
        namespace: 'edge:ratelimit',
        timeoutMs: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        ...(config.RATE_LIMIT_SYNC_EVERY_MS > 0
          ? { batching: { flushEveryMs: config.RATE_LIMIT_SYNC_EVERY_MS, maxKeys: rateLimitLocalKeys } }
          : {}),
      })
    : undefined;
  if (rateLimitStore) app.addHook('onClose', () => rateLimitStore.close());
  // An exempt client (a load test's egress) is counted like any other, so a load test still pays
  // for the limiter, but its limit is one it never reaches.
  const exempt = config.RATE_LIMIT_EXEMPT_CIDRS ? exemptAddresses(config.RATE_LIMIT_EXEMPT_CIDRS) : undefined;
  const limitFor = (max: number) =>
    exempt ? (request: FastifyRequest) => (exempt(request.ip) ? Number.MAX_SAFE_INTEGER : max) : max;
  await app.register(rateLimit, {
    ...(rateLimitStore ? { store: rateLimitStore } : {}),
    // Not the plugin's per-route hooks: those run after every app-level hook, so a request that
    // failed authentication (a guessed credential) was refused before it was ever counted.
    global: false,
    max: limitFor(config.RATE_LIMIT_PER_IP_MAX),
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    // The WAF's rate rule is the first line; the per-IP limit keeps serving if Redis blips.
    skipOnError: true,
    // The limit's headers go on the 429 only: on every other answer they were three headers of
    // per-request work for a limit that well-behaved clients never reach.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: () => {
      countRateLimitRefusal('per_ip');
      return new AuthError('rate_limited');
    },
  });
  // Every request counts against its address, ahead of request authentication: 401s and 404s too.
  app.addHook('onRequest', app.rateLimit());
  app.addHook('onRequest', refuseNonCanonicalPaths);
  await app.register(requestAuth, {
    validateSessionToken: dependencies.validateSessionToken,
    isSessionLive: dependencies.isSessionLive,
    verifyAccessToken: dependencies.verifyAccessToken,
    verifyApiKey: dependencies.verifyApiKey,
    checkJwtRevocation: config.REQUEST_AUTH_CHECK_JWT_REVOCATION,
    sessionCookie,
  });
  await app.register(csrfOrigin, {
    allowedOrigins: config.ALLOWED_ORIGINS ?? [config.PUBLIC_ORIGIN],
    sessionCookieName: sessionCookie.name,
  });
  await app.register(demoPage, { securityHeaders: documentSecurityHeaders({ https }) });
  await app.register(orchestratorProxy, {
    orchestratorUrl: config.ORCHESTRATOR_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    signPrincipal: dependencies.signPrincipal,
    nearCache: dependencies.nearCache,
    signInPreHandler: signInRateLimit(app, {
      max: limitFor(config.RATE_LIMIT_SIGN_IN_MAX),
      timeWindowMs: config.RATE_LIMIT_WINDOW_MS,
    }),
  });
  return app;
}
