/**
 * A user's invalidation epoch: a Redis counter the session layer increments whenever something an
 * edge may hold about the user stops being true (a session revoked, all of them revoked, the user's
 * email or memberships changed). Edges read it through node-redis client-side caching, so a read
 * is local until Redis tells them the counter changed; an entry cached under an older value is
 * dropped. It shares the user's hash tag, so it lives in the slot of the user's sessions.
 */
export function sessionEpochKey(prefix: string, userId: string): string {
  return `${prefix}:{${userId}}:e`;
}

/**
 * How long an epoch outlives its last increment. An edge serves an entry for at most
 * `maxNearCacheAgeMs`, so an epoch that expires later can never make an old entry look current.
 */
export const sessionEpochTtlMs = 15 * 60_000;

/** The longest an edge may serve a near-cached session without asking the session layer. */
export const maxNearCacheAgeMs = 5 * 60_000;

/**
 * How long an erased user's epoch outlives its last increment (`purgeUser`): the epoch cannot go
 * at once, since an edge that cached a session while the user had no epoch would read "no epoch"
 * again and keep serving it. Past `maxNearCacheAgeMs` after the purge no edge holds anything from
 * before it; the minute covers a load that was in flight as it ran.
 */
export const purgedEpochTtlMs = maxNearCacheAgeMs + 60_000;
