import { createHash } from 'node:crypto';
import type { LuaScript } from './redis-connection.ts';

/**
 * Reads the times at the head of a packed record (`session-value.ts`). `span` answers its
 * createdAt and the instant it dies (the earlier of its idle and absolute expiry), or nil for a
 * value this version did not write, which every script treats as dead.
 */
const prelude = `
local function int(text)
  if string.sub(text, 1, 1) == '-' then return -tonumber(string.sub(text, 2), 36) end
  return tonumber(text, 36)
end
local function b36(n)
  if n < 0 then return '-' .. b36(-n) end
  local digits = ''
  repeat
    local d = n % 36
    digits = string.sub('0123456789abcdefghijklmnopqrstuvwxyz', d + 1, d + 1) .. digits
    n = (n - d) / 36
  until n == 0
  return digits
end
local function head(value)
  return string.match(value, '^1(%w+)|(%-?%w+)|(%-?%w+)|(%-?%w+)|(.*)$')
end
local function span(value)
  local created, seen, idle, absolute = head(value)
  if not created then return nil end
  created = int(created)
  seen = created + int(seen)
  return created, math.min(seen + int(idle), created + int(absolute))
end
`;

function lua(body: string): LuaScript {
  const source = prelude + body;
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: user. ARGV: now, sid, packed record, maxSessions. Prunes the user's dead sessions, evicts
 * the oldest live ones beyond maxSessions - 1, stores the record and sets the key to expire with
 * its last session. Expired sessions are pruned only here: until then they are refused on read.
 * Returns how many live sessions it evicted.
 */
export const createScript = lua(`
local now, cap = tonumber(ARGV[1]), tonumber(ARGV[4])
local entries = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #entries, 2 do
  local created, ends = span(entries[i + 1])
  if created and now < ends then
    table.insert(live, { sid = entries[i], created = created, ends = ends })
  else
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
table.sort(live, function(a, b) return a.created < b.created end)
local _, expiry = span(ARGV[3])
local evicted = 0
for i, session in ipairs(live) do
  if i <= #live - cap + 1 then
    redis.call('HDEL', KEYS[1], session.sid)
    evicted = evicted + 1
  else
    expiry = math.max(expiry, session.ends)
  end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], string.format('%d', expiry))
return evicted
`);

/**
 * KEYS: user. ARGV: now, sid, lastSeenAt, idleExpiresAt. The idle expiry never passes the
 * absolute one; the key's expiry only moves later (GT), as other sessions may outlive this one.
 */
export const touchScript = lua(`
local value = redis.call('HGET', KEYS[1], ARGV[2])
if not value then return 0 end
local created, _, _, absolute, rest = head(value)
local _, ends = span(value)
if not created or tonumber(ARGV[1]) >= ends then return 0 end
local createdAt = int(created)
local seen = tonumber(ARGV[3])
local idle = math.min(tonumber(ARGV[4]), createdAt + int(absolute))
local packed = '1' .. created .. '|' .. b36(seen - createdAt) .. '|' .. b36(idle - seen) .. '|' .. absolute .. '|' .. rest
redis.call('HSET', KEYS[1], ARGV[2], packed)
redis.call('PEXPIREAT', KEYS[1], string.format('%d', idle), 'GT')
return 1
`);

/** KEYS: user. ARGV: now, sid. Returns 1 when a live record was removed. */
export const revokeScript = lua(`
local value = redis.call('HGET', KEYS[1], ARGV[2])
if not value then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
local created, ends = span(value)
if created and tonumber(ARGV[1]) < ends then return 1 end
return 0
`);

/** Lua, KEYS[1] the user, ARGV[1] now: deletes the user's sessions, their live ids left in `removed`. */
const removeUserSessions = `
local removed = {}
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local created, ends = span(entries[i + 1])
  if created and tonumber(ARGV[1]) < ends then table.insert(removed, entries[i]) end
end
redis.call('DEL', KEYS[1])
`;

/** KEYS: user. ARGV: now. Removes all of the user's sessions and returns the ids of the live ones. */
export const revokeAllScript = lua(`${removeUserSessions}return removed
`);

/**
 * KEYS: user, epoch. ARGV: now, the epoch's time to live in ms. Erasure: `revokeAllScript` and the
 * epoch bump in one step, the epoch set to expire sooner (`purgedEpochTtlMs`). Returns the ids of
 * the live sessions removed.
 */
export const purgeScript = lua(`${removeUserSessions}redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return removed
`);

/** KEYS: user, epoch. Returns the user's field count and the epoch's PTTL (-2: no such key). */
export const footprintScript = lua(`
return { redis.call('HLEN', KEYS[1]), redis.call('PTTL', KEYS[2]) }
`);

/** KEYS: epoch. ARGV: time to live in ms. Edges drop what they cached under the old value. */
export const bumpEpochScript = lua(`
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);
