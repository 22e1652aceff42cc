import { createHash } from 'node:crypto';
import type { LuaScript } from './redis-connection.ts';

function lua(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: session, index. ARGV: now, idleExpiresAt, absoluteExpiresAt, sid, field, value, ...
 * Stores the record, indexes it, prunes index entries past their absolute expiry.
 */
export const createScript = lua(`
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1
`);

/** KEYS: session. ARGV: lastSeenAt, idleExpiresAt. The idle expiry never passes the absolute one. */
export const touchScript = lua(`
local absolute = redis.call('HGET', KEYS[1], 'absoluteExpiresAt')
if not absolute then return 0 end
local idle = ARGV[2]
if tonumber(idle) > tonumber(absolute) then idle = absolute end
redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1], 'idleExpiresAt', idle)
redis.call('PEXPIREAT', KEYS[1], idle)
return 1
`);

/** KEYS: session, index. ARGV: sid. Returns 1 when a record was removed. */
export const revokeScript = lua(`
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return removed
`);

/**
 * KEYS: index. ARGV: session key prefix. Removes all of the user's sessions in one step and
 * returns the ids of those that existed. The session keys are derived from the index and share
 * its hash tag, hence its slot.
 */
export const revokeAllScript = lua(`
local removed = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('DEL', ARGV[1] .. sid) == 1 then table.insert(removed, sid) end
end
redis.call('DEL', KEYS[1])
return removed
`);

/** KEYS: epoch. ARGV: time to live in ms. Edges drop what they cached under the old value. */
export const bumpEpochScript = lua(`
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);
