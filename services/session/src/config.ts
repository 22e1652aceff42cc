import {
  durationMs,
  durationSeconds,
  loadConfig,
  redisPassword,
  redisUrl,
  redisUrlList,
  redisUsername,
  serviceConfigFields,
  sharedConfigFields,
} from '@authscale/core';
import { Type } from 'typebox';

const { INTERNAL_API_TOKEN, INTERNAL_API_TOKEN_PREVIOUS, INTERNAL_API_TOKEN_NEXT, DATABASE_URL, SESSION_KEY_PREFIX } =
  sharedConfigFields;

export const sessionConfigSchema = Type.Object({
  ...serviceConfigFields(8081),
  /** Callers present it as `Authorization: Bearer ...`. */
  INTERNAL_API_TOKEN,
  /** Accepted too, while the token rotates. */
  INTERNAL_API_TOKEN_PREVIOUS,
  INTERNAL_API_TOKEN_NEXT,
  SESSION_BACKEND: Type.Union(
    [Type.Literal('memory'), Type.Literal('postgres'), Type.Literal('redis'), Type.Literal('redis-cluster')],
    { default: 'memory' },
  ),
  /** For `postgres`. */
  DATABASE_URL,
  SESSION_PG_SCHEMA: Type.String({ default: 'authscale_session', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  SESSION_CLEANUP_INTERVAL_SECONDS: durationSeconds({ default: 60, minimum: 1 }),
  /** For `redis`. */
  REDIS_URL: Type.Optional(redisUrl()),
  /**
   * For `redis-cluster`: some nodes, comma-separated. `rediss://` turns TLS on for every node the
   * client discovers, not only these (ElastiCache with encryption in transit).
   */
  REDIS_CLUSTER_URLS: Type.Optional(redisUrlList()),
  /**
   * The Redis user the replicas connect as, for `redis` and `redis-cluster`, on every node
   * (ElastiCache: the session user, allowed only the session keys and the store's commands).
   * Unset: `default`. Needs REDIS_PASSWORD.
   */
  REDIS_USERNAME: Type.Optional(redisUsername()),
  /**
   * That user's password (or a Redis without users' AUTH token), applied to every node. Kept out of
   * the URLs so it arrives as a secret of its own.
   */
  REDIS_PASSWORD: Type.Optional(redisPassword()),
  SESSION_KEY_PREFIX,
  SESSION_IDLE_TTL_SECONDS: durationSeconds({ default: 1800, minimum: 60 }),
  SESSION_ABSOLUTE_TTL_SECONDS: durationSeconds({ default: 604_800, minimum: 60 }),
  SESSION_TOUCH_INTERVAL_SECONDS: durationSeconds({ default: 60, minimum: 0 }),
  /** The replica's near cache, for the Redis backends (the edge has its own: EDGE_NEAR_CACHE_*). */
  SESSION_NEAR_CACHE: Type.Boolean({ default: true }),
  /** Safety TTL of a near-cache entry, on top of Redis' invalidations. */
  SESSION_NEAR_CACHE_TTL_MS: durationMs({ default: 10_000, minimum: 1 }),
  SESSION_NEAR_CACHE_MAX_ENTRIES: Type.Integer({ default: 200_000, minimum: 1 }),
  /** Replicas that must confirm create and revoke (`WAIT`). 0 only for a Redis without replicas. */
  SESSION_MIN_REPLICA_ACKS: Type.Integer({ default: 1, minimum: 0, maximum: 5 }),
  SESSION_WAIT_TIMEOUT_MS: durationMs({ default: 200, minimum: 1 }),
  /** How long an operation retries through a Redis failover before it fails. */
  SESSION_RETRY_DEADLINE_MS: durationMs({ default: 2_500, minimum: 0 }),
  /** Redis backends: a user's create beyond this many live sessions evicts their oldest one. */
  SESSION_MAX_PER_USER: Type.Integer({ default: 100, minimum: 1, maximum: 1_000 }),
});

export type SessionConfig = ReturnType<typeof loadSessionConfig>;

/** Names the session replica read before durations took `_SECONDS`: set, they fail start-up. */
const retired = {
  SESSION_CLEANUP_INTERVAL_S: 'SESSION_CLEANUP_INTERVAL_SECONDS',
  SESSION_IDLE_TTL_S: 'SESSION_IDLE_TTL_SECONDS',
  SESSION_ABSOLUTE_TTL_S: 'SESSION_ABSOLUTE_TTL_SECONDS',
  SESSION_TOUCH_INTERVAL_S: 'SESSION_TOUCH_INTERVAL_SECONDS',
};

export function loadSessionConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'session', schema: sessionConfigSchema, values, retired });
}
