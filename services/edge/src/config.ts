import { loadConfig, maxNearCacheAgeMs, serviceConfigFields } from '@authscale/core';
import { Type } from 'typebox';

const httpUrl = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' });
const redisUrl = Type.String({ pattern: '^rediss?://[^\\s]+$' });
const originPattern = '^https?://[^\\s/?#]+$';
const origin = Type.String({ pattern: originPattern });

export const edgeConfigSchema = Type.Object({
  ...serviceConfigFields(8080),
  /** Base URL of the orchestrator (behind its internal load balancer in AWS). */
  ORCHESTRATOR_URL: httpUrl,
  /** Base URLs of the session replicas; the session client spreads users over them by rendezvous hashing. */
  SESSION_REPLICAS: Type.Array(httpUrl, { minItems: 1 }),
  /**
   * Root nodes (`redis://` or `rediss://`) of the Redis Cluster that holds the rate-limit counters.
   * Unset, counters live in the process: right for one process, wrong for several edges.
   */
  RATE_LIMIT_REDIS_URLS: Type.Optional(Type.Array(redisUrl, { minItems: 1 })),
  /** The Redis AUTH token, when the cluster requires one (ElastiCache does). */
  RATE_LIMIT_REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Root nodes of the session Redis Cluster. Set, the edge keeps a near cache of the sessions it
   * has seen, kept coherent by each user's invalidation epoch (docs/sessions.md); unset, every
   * authenticated request asks a session replica.
   */
  SESSION_REDIS_URLS: Type.Optional(Type.Array(redisUrl, { minItems: 1 })),
  SESSION_REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /** Must match the session replicas' `SESSION_KEY_PREFIX`. */
  SESSION_KEY_PREFIX: Type.String({ default: 'as', pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  /** Deadline of one epoch read; past it the request asks a session replica instead. */
  SESSION_REDIS_TIMEOUT_MS: Type.Integer({ default: 250, minimum: 10, maximum: 10_000 }),
  /**
   * How long the edge serves a session from its near cache before asking a replica again (which
   * slides the idle expiry when due). It also bounds staleness if an invalidation were ever lost.
   */
  SESSION_NEAR_CACHE_MAX_AGE_MS: Type.Integer({ default: 30_000, minimum: 1000, maximum: maxNearCacheAgeMs }),
  SESSION_NEAR_CACHE_MAX_ENTRIES: Type.Integer({ default: 100_000, minimum: 1 }),
  /** The public origin of the edge: the `iss` of access tokens and the default allowed origin. */
  PUBLIC_ORIGIN: Type.String({ default: 'http://127.0.0.1:8080', pattern: originPattern }),
  /** Origins whose pages may change state with the session cookie (CSRF defence). @default [PUBLIC_ORIGIN] */
  ALLOWED_ORIGINS: Type.Optional(Type.Array(origin, { minItems: 1 })),
  /** Shared internal secret: guards the session replicas' API. */
  INTERNAL_API_TOKEN: Type.String({ minLength: 32 }),
  /** The secret behind principal assertions, when it is not derived from INTERNAL_API_TOKEN. */
  PRINCIPAL_ASSERTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  JWT_AUDIENCE: Type.String({ default: 'authscale-api', minLength: 1 }),
  /** @default `${ORCHESTRATOR_URL}/.well-known/jwks.json` */
  JWKS_URL: Type.Optional(httpUrl),
  /** Access tokens whose verification the edge reuses (about 1 KB each), for up to a minute. */
  ACCESS_TOKEN_CACHE_MAX_ENTRIES: Type.Integer({ default: 20_000, minimum: 1 }),
  /** How long the orchestrator may take to send its answer before the edge answers 504. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 100, maximum: 120_000 }),
  UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ default: 1000, minimum: 50, maximum: 30_000 }),
  /** Deadline of one call to one session replica (the session client then tries the next). */
  SESSION_TIMEOUT_MS: Type.Integer({ default: 1000, minimum: 50, maximum: 30_000 }),
  /** Deadline of one rate-limit counter update. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: Type.Integer({ default: 250, minimum: 10, maximum: 10_000 }),
  /** Refuse JWTs whose session was revoked (one near-cache lookup per bearer request). */
  REQUEST_AUTH_CHECK_JWT_REVOCATION: Type.Boolean({ default: true }),
  /**
   * WARNING: local plain-HTTP development only. Names the cookie `authscale_session` without the
   * `__Host-` prefix and the Secure flag.
   */
  INSECURE_LOCAL_HTTP_COOKIES: Type.Boolean({ default: false }),
  /**
   * How many proxies in front of the edge append to `X-Forwarded-For` (1 behind the ALB). The
   * client address is the one the outermost of them saw; 0 ignores the header.
   */
  TRUST_PROXY_HOPS: Type.Integer({ default: 0, minimum: 0, maximum: 10 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ default: 60_000, minimum: 1000 }),
  /**
   * How often the edge sends its per-IP counts to Redis; between syncs it counts in memory, so a
   * client can exceed its limit by what it sends each edge in this interval. 0 counts every
   * request in Redis as it arrives. Sign-in limits always count in Redis.
   */
  RATE_LIMIT_SYNC_EVERY_MS: Type.Integer({ default: 100, minimum: 0, maximum: 10_000 }),
  /** Requests per client IP per window, on every route. */
  RATE_LIMIT_PER_IP_MAX: Type.Integer({ default: 600, minimum: 1 }),
  /** Attempts per account and IP per window on login, MFA and refresh. */
  RATE_LIMIT_SIGN_IN_MAX: Type.Integer({ default: 10, minimum: 1 }),
});

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

const listFields = ['SESSION_REPLICAS', 'RATE_LIMIT_REDIS_URLS', 'SESSION_REDIS_URLS', 'ALLOWED_ORIGINS'] as const;

/** Parses the edge's settings once; list settings arrive from the environment as comma lists. */
export function loadEdgeConfig(values: Record<string, unknown>) {
  const lists = Object.fromEntries(
    listFields.map((field) => {
      const value = values[field];
      return [
        field,
        typeof value === 'string'
          ? value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean)
          : value,
      ];
    }),
  );
  return loadConfig({ scope: 'edge', schema: edgeConfigSchema, values: { ...values, ...lists } });
}
