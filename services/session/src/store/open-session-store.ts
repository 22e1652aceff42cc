import { ConfigError } from '@authscale/core';
import type { SessionConfig } from '../config.ts';
import { createMemoryStore } from '../memory/create-memory-store.ts';
import { createPostgresStore } from '../postgres/create-postgres-store.ts';
import { createRedisStore } from '../redis/create-redis-store.ts';
import { connectRedis } from '../redis/redis-connection.ts';
import { redisConnectionSettings } from '../redis/redis-connection-settings.ts';
import type { SessionStore } from './session-store.ts';
import { translateStoreErrors } from './translate-store-errors.ts';

function required(value: string | undefined, name: string, backend: string): string {
  if (!value) throw new ConfigError('session', [`${name}: required when SESSION_BACKEND is ${backend}`]);
  return value;
}

/** The backend the configuration names, connected and ready, its errors translated to our codes. */
export async function openSessionStore(config: SessionConfig): Promise<SessionStore> {
  return translateStoreErrors(await openBackend(config));
}

async function openBackend(config: SessionConfig): Promise<SessionStore> {
  const backend = config.SESSION_BACKEND;
  switch (backend) {
    case 'memory':
      return createMemoryStore();
    case 'postgres':
      return createPostgresStore({
        connectionString: required(config.DATABASE_URL, 'DATABASE_URL', backend),
        schema: config.SESSION_PG_SCHEMA,
        cleanupIntervalMs: config.SESSION_CLEANUP_INTERVAL_SECONDS * 1000,
      });
    case 'redis':
    case 'redis-cluster': {
      const nearCache = config.SESSION_NEAR_CACHE
        ? { ttlMs: config.SESSION_NEAR_CACHE_TTL_MS, maxEntries: config.SESSION_NEAR_CACHE_MAX_ENTRIES }
        : null;
      const connection = await connectRedis({ ...redisConnectionSettings(config), nearCache });
      return createRedisStore({
        connection,
        backend,
        prefix: config.SESSION_KEY_PREFIX,
        minReplicaAcks: config.SESSION_MIN_REPLICA_ACKS,
        waitTimeoutMs: config.SESSION_WAIT_TIMEOUT_MS,
        retryDeadlineMs: config.SESSION_RETRY_DEADLINE_MS,
        absoluteTtlMs: config.SESSION_ABSOLUTE_TTL_SECONDS * 1000,
        maxSessionsPerUser: config.SESSION_MAX_PER_USER,
      });
    }
  }
}
