import {
  type AuthenticatedUser,
  createApiKeyClient,
  createJwksCache,
  createSessionClient,
  derivePrincipalKey,
  isAuthError,
  type RequestAuthOptions,
  signPrincipal,
  verifyAccessToken,
} from '@authscale/core';
import type { FastifyBaseLogger } from 'fastify';
import { createCluster } from 'redis';
import type { EdgeConfig } from './config.ts';

/** The Redis Cluster client calls the edge makes (a node-redis `createCluster()` client). */
export interface RateLimitRedis {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
}

/** The clients the edge talks through. */
export interface EdgeDependencies {
  validateSessionToken: RequestAuthOptions['validateSessionToken'];
  isSessionLive: RequestAuthOptions['isSessionLive'];
  verifyAccessToken: RequestAuthOptions['verifyAccessToken'];
  verifyApiKey: NonNullable<RequestAuthOptions['verifyApiKey']>;
  signPrincipal: (user: AuthenticatedUser) => Promise<string>;
  /** Absent: rate-limit counters live in this process (one-process mode). */
  rateLimitRedis?: RateLimitRedis;
}

const redisRetryMs = 1000;

/**
 * The edge's clients, built once from its configuration: the session client, the cached JWKS,
 * the API-key client (the orchestrator owns the key records), the principal key and the Redis
 * Cluster that holds the rate-limit counters. The edge starts even
 * while Redis is down (`/readyz` says so) and connects as soon as it answers.
 */
export function createEdgeDependencies(config: EdgeConfig) {
  let log: FastifyBaseLogger | undefined;
  const sessions = createSessionClient({
    replicas: config.SESSION_REPLICAS,
    internalToken: config.INTERNAL_API_TOKEN,
    timeoutMs: config.SESSION_TIMEOUT_MS,
  });
  const apiKeys = createApiKeyClient({
    baseUrl: config.ORCHESTRATOR_URL,
    internalToken: config.INTERNAL_API_TOKEN,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const keys = createJwksCache({ url: config.JWKS_URL ?? new URL('/.well-known/jwks.json', config.ORCHESTRATOR_URL) });
  const principalKey = derivePrincipalKey(config.PRINCIPAL_ASSERTION_KEY ?? config.INTERNAL_API_TOKEN);
  const redisUrls = config.RATE_LIMIT_REDIS_URLS;
  const rateLimitRedis = redisUrls
    ? createCluster({
        rootNodes: redisUrls.map((url) => ({ url })),
        // Discovered nodes get only these settings, not the root nodes' URLs: credentials and TLS go here.
        defaults: {
          ...(config.RATE_LIMIT_REDIS_PASSWORD ? { password: config.RATE_LIMIT_REDIS_PASSWORD } : {}),
          ...(redisUrls.some((url) => url.startsWith('rediss://')) ? { socket: { tls: true } } : {}),
        },
        // A counter that cannot be reached in time counts as unreachable instead of holding the request.
        commandOptions: { timeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS },
      })
    : undefined;
  rateLimitRedis?.on('error', (error: Error) => log?.warn({ err: error }, 'rate-limit redis error'));

  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = () => {
    rateLimitRedis?.connect().catch((error: unknown) => {
      log?.warn({ err: error }, 'rate-limit redis unreachable; retrying');
      if (!closed) retry = setTimeout(connect, redisRetryMs).unref();
    });
  };
  connect();

  const dependencies: EdgeDependencies = {
    validateSessionToken: (token) => sessions.validate(token),
    // The bearer revocation check slides the session's idle expiry, as a cookie request does.
    isSessionLive: async (userId, sid) => (await sessions.touch(userId, sid)) !== null,
    async verifyAccessToken(token) {
      try {
        return await verifyAccessToken({ token, keys, issuer: config.PUBLIC_ORIGIN, audience: config.JWT_AUDIENCE });
      } catch (error) {
        if (isAuthError(error) && error.code === 'unauthenticated') return null;
        throw error;
      }
    },
    verifyApiKey: (key) => apiKeys.verify(key),
    signPrincipal: ({ id, ...rest }) => signPrincipal({ principal: { userId: id, ...rest }, key: principalKey }),
    ...(rateLimitRedis ? { rateLimitRedis } : {}),
  };

  return {
    dependencies,
    /** Sends the clients' background errors to the app's logger once it exists. */
    logTo(logger: FastifyBaseLogger) {
      log = logger;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      // Runs after in-flight requests have drained: nothing waits for a counter any more, and a
      // graceful close would wait on a cluster that may be gone.
      if (rateLimitRedis?.isOpen) rateLimitRedis.destroy();
      await Promise.all([sessions.close(), apiKeys.close()]);
    },
  };
}
