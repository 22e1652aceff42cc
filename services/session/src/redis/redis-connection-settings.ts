import { ConfigError } from '@authscale/core';
import type { SessionConfig } from '../config.ts';
import type { ConnectRedisOptions } from './redis-connection.ts';

export type RedisConnectionSettings = Pick<ConnectRedisOptions, 'urls' | 'cluster' | 'username' | 'password' | 'tls'>;

/**
 * Where and how the `redis` and `redis-cluster` backends connect, and as whom (the same user and
 * password on every node). TLS follows the URLs' scheme, so
 * local `redis://` URLs keep it off; a mix of schemes is refused at start because node-redis would
 * apply one setting to every discovered node.
 */
export function redisConnectionSettings(
  config: Pick<
    SessionConfig,
    'SESSION_BACKEND' | 'REDIS_URL' | 'REDIS_CLUSTER_URLS' | 'REDIS_USERNAME' | 'REDIS_PASSWORD'
  >,
): RedisConnectionSettings {
  const backend = config.SESSION_BACKEND;
  if (backend !== 'redis' && backend !== 'redis-cluster') {
    throw new TypeError(`redisConnectionSettings: backend ${backend} does not use Redis`);
  }
  const name = backend === 'redis' ? 'REDIS_URL' : 'REDIS_CLUSTER_URLS';
  const urls =
    backend === 'redis' ? (config.REDIS_URL ? [config.REDIS_URL] : []) : [...(config.REDIS_CLUSTER_URLS ?? [])];
  if (urls.length === 0) throw new ConfigError('session', [`${name}: required when SESSION_BACKEND is ${backend}`]);
  const schemes = new Set(urls.map((url) => /^([a-z]+):\/\//.exec(url)?.[1]));
  const [scheme] = schemes;
  if (schemes.size > 1 || (scheme !== 'redis' && scheme !== 'rediss')) {
    throw new ConfigError('session', [`${name}: every URL must start with redis:// or every one with rediss://`]);
  }
  if (config.REDIS_USERNAME && !config.REDIS_PASSWORD) {
    throw new ConfigError('session', ['REDIS_USERNAME: needs REDIS_PASSWORD, the password of that user']);
  }
  return {
    urls,
    cluster: backend === 'redis-cluster',
    tls: scheme === 'rediss',
    ...(config.REDIS_USERNAME ? { username: config.REDIS_USERNAME } : {}),
    ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
  };
}
