import {
  AuthError,
  type AuthenticatedUser,
  createService,
  csrfOrigin,
  insecureLocalHttpSessionCookie,
  type RequestAuthOptions,
  redisClusterRateLimitStore,
  requestAuth,
  secureSessionCookie,
} from '@authscale/core';
import fastifyCookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { EdgeConfig } from './config.ts';
import { orchestratorProxy } from './orchestrator-proxy.ts';
import { orchestratorAnswers, someSessionReplicaAnswers } from './readiness.ts';
import { signInRateLimit } from './sign-in-rate-limit.ts';

/** The Redis Cluster client calls the edge makes (a node-redis `createCluster()` client). */
export interface RateLimitRedis {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
}

/** The clients the edge talks through, built once by the entry point (or a test) and handed in. */
export interface EdgeDependencies {
  validateSessionToken: RequestAuthOptions['validateSessionToken'];
  isSessionLive: RequestAuthOptions['isSessionLive'];
  verifyAccessToken: RequestAuthOptions['verifyAccessToken'];
  signPrincipal: (user: AuthenticatedUser) => Promise<string>;
  rateLimitRedis: RateLimitRedis;
}

/** Builds the edge router: one origin for the public HTTP contract. */
export async function buildEdgeApp(config: EdgeConfig, dependencies: EdgeDependencies) {
  const { rateLimitRedis } = dependencies;
  const sessionCookie = config.SESSION_COOKIE_INSECURE_LOCAL_HTTP
    ? insecureLocalHttpSessionCookie()
    : secureSessionCookie();

  const app = await createService({
    name: 'edge',
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUST_PROXY_HOPS,
    readiness: {
      orchestrator: orchestratorAnswers(config.ORCHESTRATOR_URL),
      sessionReplicas: someSessionReplicaAnswers(config.SESSION_REPLICAS),
      rateLimitRedis: () => rateLimitRedis.sendCommand(undefined, true, ['PING']),
    },
  });
  if (config.SESSION_COOKIE_INSECURE_LOCAL_HTTP) {
    app.log.warn('SESSION_COOKIE_INSECURE_LOCAL_HTTP is on: the session cookie is not Secure. Local development only.');
  }

  await app.register(helmet);
  await app.register(fastifyCookie);
  await app.register(rateLimit, {
    store: redisClusterRateLimitStore({ client: rateLimitRedis, namespace: 'edge:ratelimit' }),
    max: config.RATE_LIMIT_PER_IP_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    // The WAF's rate rule is the first line; the per-IP limit keeps serving if Redis blips.
    skipOnError: true,
    errorResponseBuilder: () => new AuthError('rate_limited'),
  });
  await app.register(requestAuth, {
    validateSessionToken: dependencies.validateSessionToken,
    isSessionLive: dependencies.isSessionLive,
    verifyAccessToken: dependencies.verifyAccessToken,
    checkJwtRevocation: config.REQUEST_AUTH_CHECK_JWT_REVOCATION,
    sessionCookie,
  });
  await app.register(csrfOrigin, {
    allowedOrigins: config.ALLOWED_ORIGINS ?? [config.PUBLIC_ORIGIN],
    sessionCookieName: sessionCookie.name,
  });
  await app.register(orchestratorProxy, {
    orchestratorUrl: config.ORCHESTRATOR_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    signPrincipal: dependencies.signPrincipal,
    signInPreHandler: signInRateLimit(app, {
      max: config.RATE_LIMIT_SIGN_IN_MAX,
      timeWindowMs: config.RATE_LIMIT_WINDOW_MS,
    }),
  });
  return app;
}
