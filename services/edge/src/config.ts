import {
  ConfigError,
  cidrList,
  durationMs,
  httpUrl,
  loadConfig,
  maxNearCacheAgeMs,
  originList,
  redisPassword,
  redisUrlList,
  redisUsername,
  refuseInsecureSettingsOffLoopback,
  serviceConfigFields,
  sharedConfigFields,
} from '@authscale/core';
import { Type } from 'typebox';

const {
  SESSION_REPLICAS,
  SESSION_KEY_PREFIX,
  PUBLIC_ORIGIN,
  /**
   * The current values only: the edge sends the token and signs assertions, and receives neither,
   * so it has no use for the values a rotation keeps beside them (`_PREVIOUS`, `_NEXT`).
   */
  INTERNAL_API_TOKEN,
  PRINCIPAL_ASSERTION_KEY,
  JWT_AUDIENCE,
  INSECURE_LOCAL_HTTP_COOKIES,
  TRUST_PROXY_HOPS,
} = sharedConfigFields;

export const edgeConfigSchema = Type.Object({
  ...serviceConfigFields(8080),
  /** Base URL of the orchestrator (behind its internal load balancer in AWS). */
  ORCHESTRATOR_URL: httpUrl(),
  SESSION_REPLICAS,
  /**
   * Root nodes (`redis://` or `rediss://`) of the Redis Cluster that holds the rate-limit counters.
   * Unset, counters live in the process: right for one process, wrong for several edges.
   */
  RATE_LIMIT_REDIS_URLS: Type.Optional(redisUrlList()),
  /** The Redis user for the counters (ElastiCache: the edge's user); unset, `default`. Needs the password. */
  RATE_LIMIT_REDIS_USERNAME: Type.Optional(redisUsername()),
  /** That user's password, or the AUTH token of a cluster without users. */
  RATE_LIMIT_REDIS_PASSWORD: Type.Optional(redisPassword()),
  /**
   * Root nodes of the session Redis Cluster. Set, the edge keeps a near cache of the sessions it
   * has seen, kept coherent by each user's invalidation epoch (docs/sessions.md); unset, every
   * authenticated request asks a session replica.
   */
  SESSION_REDIS_URLS: Type.Optional(redisUrlList()),
  /** As RATE_LIMIT_REDIS_USERNAME and _PASSWORD, for the epoch reads (in AWS the same user, which may only read them). */
  SESSION_REDIS_USERNAME: Type.Optional(redisUsername()),
  SESSION_REDIS_PASSWORD: Type.Optional(redisPassword()),
  /** Must match the session replicas' `SESSION_KEY_PREFIX`. */
  SESSION_KEY_PREFIX,
  /** Deadline of one epoch read; past it the request asks a session replica instead. */
  SESSION_REDIS_TIMEOUT_MS: durationMs({ default: 250, minimum: 10, maximum: 10_000 }),
  /**
   * How long the edge serves a session from its near cache before asking a replica again (which
   * slides the idle expiry when due). It also bounds staleness if an invalidation were ever lost.
   */
  EDGE_NEAR_CACHE_MAX_AGE_MS: durationMs({ default: 30_000, minimum: 1000, maximum: maxNearCacheAgeMs }),
  /** Sessions the edge's near cache holds (each replica's own near cache is SESSION_NEAR_CACHE_*). */
  EDGE_NEAR_CACHE_MAX_ENTRIES: Type.Integer({ default: 100_000, minimum: 1 }),
  PUBLIC_ORIGIN,
  /** Origins whose pages may change state with the session cookie (CSRF defence). @default [PUBLIC_ORIGIN] */
  ALLOWED_ORIGINS: Type.Optional(originList()),
  /**
   * The current values only: the edge sends the token and signs assertions, and receives neither,
   * so it has no use for the values a rotation keeps beside them (`_PREVIOUS`, `_NEXT`).
   */
  INTERNAL_API_TOKEN,
  PRINCIPAL_ASSERTION_KEY,
  JWT_AUDIENCE,
  /** @default `${ORCHESTRATOR_URL}/.well-known/jwks.json` */
  JWKS_URL: Type.Optional(httpUrl()),
  /** Access tokens whose verification the edge reuses (about 1 KB each), for up to a minute. */
  ACCESS_TOKEN_CACHE_MAX_ENTRIES: Type.Integer({ default: 20_000, minimum: 1 }),
  /** How long the orchestrator may take to send its answer before the edge answers 504. */
  UPSTREAM_TIMEOUT_MS: durationMs({ default: 5000, minimum: 100, maximum: 120_000 }),
  UPSTREAM_CONNECT_TIMEOUT_MS: durationMs({ default: 1000, minimum: 50, maximum: 30_000 }),
  /** Deadline of one call to one session replica (the session client then tries the next). */
  SESSION_TIMEOUT_MS: durationMs({ default: 1000, minimum: 50, maximum: 30_000 }),
  /**
   * How long a session read keeps trying the live replicas while they cannot answer (one is down,
   * or Redis fails over and they wait it out) before the edge answers 503 or 504.
   */
  SESSION_READ_BUDGET_MS: durationMs({ default: 4000, minimum: 0, maximum: 60_000 }),
  /** Deadline of one rate-limit counter update. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: durationMs({ default: 250, minimum: 10, maximum: 10_000 }),
  /** Refuse JWTs whose session was revoked (one near-cache lookup per bearer request). */
  REQUEST_AUTH_CHECK_JWT_REVOCATION: Type.Boolean({ default: true }),
  INSECURE_LOCAL_HTTP_COOKIES,
  /** 1 behind the ALB. */
  TRUST_PROXY_HOPS,
  RATE_LIMIT_WINDOW_MS: durationMs({ default: 60_000, minimum: 1000 }),
  /**
   * How often the edge sends its per-IP counts to Redis; between syncs it counts in memory, so a
   * client can exceed its limit by what it sends each edge in this interval. 0 counts every
   * request in Redis as it arrives. Sign-in limits always count in Redis.
   */
  RATE_LIMIT_SYNC_EVERY_MS: durationMs({ default: 100, minimum: 0, maximum: 10_000 }),
  /** Requests per client IP per window, on every route. */
  RATE_LIMIT_PER_IP_MAX: Type.Integer({ default: 600, minimum: 1 }),
  /** Attempts per account and IP per window on login, MFA and refresh. */
  RATE_LIMIT_SIGN_IN_MAX: Type.Integer({ default: 10, minimum: 1 }),
  /**
   * Client networks neither limit refuses: a load test's own egress addresses, so it measures the
   * platform rather than the limiter while every other client keeps the limits. Their requests are
   * still counted, so the test pays what the limiter costs. Unset: none.
   */
  RATE_LIMIT_EXEMPT_CIDRS: Type.Optional(cidrList()),
});

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

/**
 * The edge's near-cache age, before its settings took the edge's name. Not the old
 * SESSION_NEAR_CACHE_MAX_ENTRIES: that name is the session replicas' now, and an environment shared
 * with them may set it.
 */
const retired = { SESSION_NEAR_CACHE_MAX_AGE_MS: 'EDGE_NEAR_CACHE_MAX_AGE_MS' };

/** Parses the edge's settings once. */
export function loadEdgeConfig(values: Record<string, unknown>) {
  const config = refuseInsecureSettingsOffLoopback(
    'edge',
    loadConfig({ scope: 'edge', schema: edgeConfigSchema, values, retired }),
  );
  const problems = (['RATE_LIMIT_REDIS', 'SESSION_REDIS'] as const)
    .filter((owner) => config[`${owner}_USERNAME`] && !config[`${owner}_PASSWORD`])
    .map((owner) => `${owner}_USERNAME: needs ${owner}_PASSWORD, the password of that user`);
  if (problems.length > 0) throw new ConfigError('edge', problems);
  return config;
}
