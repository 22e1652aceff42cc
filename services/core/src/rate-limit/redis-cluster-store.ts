import { createHash } from 'node:crypto';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { batchedCounters, type WindowCount } from './batched-counters.ts';
import { coarseDeadline } from './coarse-deadline.ts';

/** The one call the store needs; a node-redis `createCluster()` client has it. */
export interface ClusterCommandSender {
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>;
}

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1];

export interface RedisClusterRateLimitStoreOptions {
  client: ClusterCommandSender;
  /** Prefix of every counter key. @default 'ratelimit' */
  namespace?: string;
  /**
   * An update not answered within this (to twice this) fails, and the plugin's `skipOnError`
   * decides. Give the client no per-command timeout of its own (`commandOptions: { timeout: 0 }`).
   */
  timeoutMs: number;
  /**
   * Set, the store's own limit counts in the process and sends sums every `flushEveryMs`
   * (`batchedCounters`). Limits made from it (`createRateLimit`, route limits) always count in
   * Redis on every hit: those are the exact ones, such as sign-in.
   */
  batching?: { flushEveryMs: number; maxKeys: number };
}

// One key per script call, so each counter lives on one shard and the script is atomic there:
// INCRBY and PEXPIRE in one round trip, the window starting with the first hit.
const incrementScript = `
local current = redis.call('INCRBY', KEYS[1], ARGV[2])
if current == tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;
const incrementScriptSha = createHash('sha1').update(incrementScript).digest('hex');

/**
 * A `@fastify/rate-limit` store over a Redis Cluster through node-redis, the client the rest of
 * authscale uses (the plugin's built-in Redis store expects ioredis).
 */
export function redisClusterRateLimitStore({
  client,
  namespace = 'ratelimit',
  timeoutMs,
  batching,
}: RedisClusterRateLimitStoreOptions): FastifyRateLimitStoreCtor & {
  flush(): Promise<void>;
  close(): Promise<void>;
} {
  if (typeof client?.sendCommand !== 'function') {
    throw new TypeError('authscale-rate-limit: option "client" must be a node-redis cluster client');
  }

  const within = coarseDeadline(timeoutMs);

  async function increment(key: string, by: number, windowMs: number): Promise<WindowCount> {
    const args = ['1', key, String(windowMs), String(by)];
    let reply: unknown;
    try {
      reply = await within(client.sendCommand(key, false, ['EVALSHA', incrementScriptSha, ...args]));
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      reply = await within(client.sendCommand(key, false, ['EVAL', incrementScript, ...args]));
    }
    const [current, ttl] = reply as [number, number];
    return { current, ttl };
  }

  const batched = batching ? batchedCounters(increment, batching) : undefined;

  return class RedisClusterRateLimitStore implements FastifyRateLimitStore {
    readonly prefix: string;
    readonly #counts: typeof batched | null;

    /** `counts` null: every hit goes to Redis (limits made from this one). */
    constructor(_options?: FastifyRateLimitOptions, prefix = namespace, counts = batched ?? null) {
      this.prefix = prefix;
      this.#counts = counts;
    }

    incr(key: string, callback: IncrCallback, timeWindow: number) {
      const counted = this.#counts
        ? this.#counts.incr(`${this.prefix}:${key}`, timeWindow)
        : increment(`${this.prefix}:${key}`, 1, timeWindow);
      if (!(counted instanceof Promise)) return callback(null, counted);
      counted.then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]) {
      const { method = '', url = '' } =
        (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo ?? {};
      return new RedisClusterRateLimitStore(undefined, `${this.prefix}:${method}${url}`, null);
    }

    /** Sends pending batched counts (tests, shutdown). */
    static flush(): Promise<void> {
      return batched?.flush() ?? Promise.resolve();
    }

    static close(): Promise<void> {
      return batched?.close() ?? Promise.resolve();
    }
  };
}
