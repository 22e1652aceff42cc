/**
 * The session cluster's users: one per service that talks to Redis, each allowed the commands and
 * keys that service's code sends and nothing else. The rules are Redis ACL rules, which ElastiCache
 * takes as a user's access string; `test/redis-acl/redis-users.test.ts` applies these very strings
 * to a local Redis Cluster and runs each service's code under them. A service that starts sending a
 * new command fails that test until the command is added here.
 */

/** The services with a Redis user of their own; the orchestrator reaches Redis only through the replicas. */
export const redisServiceUsers = ['session', 'edge'] as const;
export type RedisServiceUser = (typeof redisServiceUsers)[number];

export interface RedisAccessOptions {
  /** The services' `SESSION_KEY_PREFIX`. @default 'as' (their default; the stacks leave it unset) */
  readonly sessionKeyPrefix?: string;
}

/**
 * What every cluster client sends besides its own commands: node-redis learns the slots with
 * `CLUSTER SLOTS`, follows a resharding with `ASKING`, and the readiness checks `PING`. (`HELLO` and
 * `AUTH` are open to every user; node-redis ignores a refused `CLIENT SETINFO`.)
 */
const clusterClient = ['ping', 'cluster|slots', 'asking'];

/** The key patterns and commands of each service, with `p` its session key prefix. */
function rulesOf(user: RedisServiceUser, p: string): { keys: string[]; commands: string[] } {
  switch (user) {
    case 'session':
      return {
        // A user's session hash `<p>:{<userId>}` and its epoch `<p>:{<userId>}:e`.
        keys: [`~${p}:{*}`, `~${p}:{*}:e`],
        commands: [
          ...clusterClient,
          // Reads go through the near cache (RESP3 tracking); while a primary is down, a replica
          // answers, if its ROLE shows it is not syncing with a new primary.
          'client|tracking',
          'readonly',
          'role',
          'hget',
          'hgetall',
          // Every write is one Lua script (`session-scripts.ts`), confirmed with WAIT; a script's
          // own calls are checked against these rules as well.
          'evalsha',
          'eval',
          'wait',
          // WAIT waits for every replica the primary counts online, read from INFO replication.
          'info',
          'hset',
          'hdel',
          'del',
          'pexpireat',
          'pexpire',
          'incr',
        ],
      };
    case 'edge':
      return {
        // Its rate-limit counters, and the users' epochs, which it may only read (the near cache).
        keys: ['~edge:ratelimit:*', `%R~${p}:{*}:e`],
        commands: [...clusterClient, 'client|tracking', 'get', 'evalsha', 'eval', 'incrby', 'pexpire', 'pttl'],
      };
  }
}

/**
 * The ElastiCache access string of a service's user: on, no pub/sub channels, no command but its
 * own, no key but its own.
 */
export function redisAccessString(user: RedisServiceUser, { sessionKeyPrefix = 'as' }: RedisAccessOptions = {}) {
  const { keys, commands } = rulesOf(user, sessionKeyPrefix);
  return ['on', 'resetchannels', ...keys, '-@all', ...commands.map((command) => `+${command}`)].join(' ');
}

/** The built-in `default` user, which ElastiCache requires in every user group: switched off. */
export const disabledDefaultUserAccessString = 'off resetchannels -@all';
