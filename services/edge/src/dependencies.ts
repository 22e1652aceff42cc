import {
  type AuthenticatedUser,
  cacheVerifiedTokens,
  clusterTopologyRefreshMs,
  createApiKeyClient,
  createJwksCache,
  createSessionClient,
  createSessionNearCache,
  isAuthError,
  measureEpochPropagation,
  principalAssertionSecret,
  principalKeys,
  type RequestAuthOptions,
  recordRevocationPropagation,
  type SessionNearCache,
  sessionEpochKey,
  signPrincipal,
  TrackedEpochs,
  telemetryWanted,
  verifyAccessToken,
} from '@authscale/core';
import type { FastifyBaseLogger } from 'fastify';
import { createCluster } from 'redis';
import type { EdgeConfig } from './config.ts';

/** The Redis Cluster client calls the edge makes (a node-redis `createCluster()` client). */
export interface RedisClusterCommands {
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
  rateLimitRedis?: RedisClusterCommands;
  /** Absent: every authenticated request asks a session replica. */
  nearCache?: SessionNearCache;
  /** The session cluster the near cache reads epochs from (readiness reports it). */
  nearCacheRedis?: RedisClusterCommands;
}

const redisRetryMs = 1000;

type RedisCluster = ReturnType<typeof redisCluster>;

function redisCluster({
  urls,
  username,
  password,
  timeoutMs,
  clientSideCache,
}: {
  urls: string[];
  username: string | undefined;
  password: string | undefined;
  timeoutMs: number;
  clientSideCache?: TrackedEpochs;
}) {
  return createCluster({
    rootNodes: urls.map((url) => ({ url })),
    // Discovered nodes get only these settings, not the root nodes' URLs: credentials and TLS go here.
    defaults: {
      ...(password ? { ...(username ? { username } : {}), password } : {}),
      ...(urls.some((url) => url.startsWith('rediss://')) ? { socket: { tls: true } } : {}),
    },
    commandOptions: { timeout: timeoutMs },
    topologyRefreshOnReconnectionAttemptStrategy: clusterTopologyRefreshMs,
    ...(clientSideCache ? { RESP: 3 as const, clientSideCache } : {}),
  });
}

/**
 * The edge's clients, built once from its configuration: the session client, the cached JWKS,
 * the API-key client (the orchestrator owns the key records), the principal key and the Redis
 * Cluster that holds the rate-limit counters. The edge starts even
 * while Redis is down (`/readyz` says so) and connects as soon as it answers.
 */
export interface EdgeDependencyOptions {
  /**
   * The users' invalidation epochs read straight from a session store in this process (one-process
   * mode, where there is no Redis): the edge then keeps its near cache, and a revoke reaches it as
   * the store records it.
   */
  sessionEpochs?: (userId: string) => string | null;
}

export function createEdgeDependencies(config: EdgeConfig, { sessionEpochs }: EdgeDependencyOptions = {}) {
  let log: FastifyBaseLogger | undefined;
  const sessions = createSessionClient({
    replicas: config.SESSION_REPLICAS,
    internalToken: config.INTERNAL_API_TOKEN,
    timeoutMs: config.SESSION_TIMEOUT_MS,
    readBudgetMs: config.SESSION_READ_BUDGET_MS,
  });
  const apiKeys = createApiKeyClient({
    baseUrl: config.ORCHESTRATOR_URL,
    internalToken: config.INTERNAL_API_TOKEN,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const keys = createJwksCache({ url: config.JWKS_URL ?? new URL('/.well-known/jwks.json', config.ORCHESTRATOR_URL) });
  // The edge only sends: it signs with the current value and sends the current token, so it reads
  // no previous or next value; the receivers accept its assertions and tokens across a rotation.
  const principalKey = principalKeys(principalAssertionSecret(config)).signing;
  const rateLimitRedis = config.RATE_LIMIT_REDIS_URLS
    ? redisCluster({
        urls: config.RATE_LIMIT_REDIS_URLS,
        username: config.RATE_LIMIT_REDIS_USERNAME,
        password: config.RATE_LIMIT_REDIS_PASSWORD,
        // The rate-limit store bounds each update itself, more cheaply (`coarseDeadline`).
        timeoutMs: 0,
      })
    : undefined;
  // RESP3 tracking: Redis tells this client when an epoch it read changes, and node-redis
  // empties the cache whenever a connection drops, so a missed message cannot leave it stale.
  const epochs = new TrackedEpochs({ ttl: 0, maxEntries: config.EDGE_NEAR_CACHE_MAX_ENTRIES, evictPolicy: 'LRU' });
  const sessionRedis = config.SESSION_REDIS_URLS
    ? redisCluster({
        urls: config.SESSION_REDIS_URLS,
        username: config.SESSION_REDIS_USERNAME,
        password: config.SESSION_REDIS_PASSWORD,
        timeoutMs: config.SESSION_REDIS_TIMEOUT_MS,
        clientSideCache: epochs,
      })
    : undefined;
  const epochOf = sessionRedis
    ? (userId: string) => epochs.read(sessionRedis, sessionEpochKey(config.SESSION_KEY_PREFIX, userId))
    : sessionEpochs;
  const nearCache = epochOf
    ? createSessionNearCache({
        epochOf,
        maxAgeMs: config.EDGE_NEAR_CACHE_MAX_AGE_MS,
        maxEntries: config.EDGE_NEAR_CACHE_MAX_ENTRIES,
      })
    : undefined;

  // What the edge learns of a moved epoch is measured only when telemetry is exported.
  if (sessionRedis && telemetryWanted(process.env)) {
    epochs.onInvalidated = measureEpochPropagation({ cluster: sessionRedis, record: recordRevocationPropagation });
  }

  let closed = false;
  const retries = new Set<NodeJS.Timeout>();
  const connect = (client: RedisCluster, role: string) => {
    client.on('error', (error: Error) => log?.warn({ err: error }, `${role} redis error`));
    const attempt = () => {
      client.connect().catch((error: unknown) => {
        log?.warn({ err: error }, `${role} redis unreachable; retrying`);
        if (!closed) retries.add(setTimeout(attempt, redisRetryMs).unref());
      });
    };
    attempt();
  };
  if (rateLimitRedis) connect(rateLimitRedis, 'rate-limit');
  if (sessionRedis) connect(sessionRedis, 'session');

  const dependencies: EdgeDependencies = {
    validateSessionToken: nearCache
      ? (token) => nearCache.validate(token, sessions.validate)
      : (token) => sessions.validate(token),
    // The bearer revocation check slides the session's idle expiry, as a cookie request does.
    isSessionLive: async (userId, sid) =>
      (await (nearCache ? nearCache.touch(userId, sid, sessions.touch) : sessions.touch(userId, sid))) !== null,
    verifyAccessToken: cacheVerifiedTokens(
      async (token) => {
        try {
          return await verifyAccessToken({ token, keys, issuer: config.PUBLIC_ORIGIN, audience: config.JWT_AUDIENCE });
        } catch (error) {
          if (isAuthError(error) && error.code === 'unauthenticated') return null;
          throw error;
        }
      },
      { maxEntries: config.ACCESS_TOKEN_CACHE_MAX_ENTRIES, maxAgeMs: 60_000 },
    ),
    verifyApiKey: (key) => apiKeys.verify(key),
    signPrincipal: ({ id, ...rest }) => signPrincipal({ principal: { userId: id, ...rest }, key: principalKey }),
    ...(rateLimitRedis ? { rateLimitRedis } : {}),
    ...(nearCache ? { nearCache } : {}),
    ...(sessionRedis ? { nearCacheRedis: sessionRedis } : {}),
  };

  return {
    dependencies,
    /** Sends the clients' background errors to the app's logger once it exists. */
    logTo(logger: FastifyBaseLogger) {
      log = logger;
    },
    async close() {
      closed = true;
      for (const retry of retries) clearTimeout(retry);
      // Runs after in-flight requests have drained: nothing waits for Redis any more, and a
      // graceful close would wait on a cluster that may be gone.
      for (const client of [rateLimitRedis, sessionRedis]) if (client?.isOpen) client.destroy();
      await Promise.all([sessions.close(), apiKeys.close()]);
    },
  };
}
