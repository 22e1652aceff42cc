import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from './access-token.ts';

export interface VerifiedTokenCacheOptions {
  maxEntries: number;
  /**
   * How long a verification is reused. A signing key withdrawn from the JWKS stops being
   * honoured within this (plus the JWKS cache's refresh), not only when its tokens expire.
   */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Remembers access tokens that verified, by their exact text, until they expire or `maxAgeMs`
 * passes: an ES256 verification costs the edge more CPU than the rest of a bearer request, and a
 * client sends the same token for its whole life. Only successes are kept, so a caller cannot
 * fill the cache with tokens that never verified.
 */
export function cacheVerifiedTokens(
  verify: (token: string) => Promise<AccessTokenClaims | null>,
  { maxEntries, maxAgeMs, now = Date.now }: VerifiedTokenCacheOptions,
) {
  const verified = new LRUCache<string, AccessTokenClaims>({
    max: maxEntries,
    ttl: maxAgeMs,
    ttlResolution: 0,
    perf: { now },
  });
  return async (token: string): Promise<AccessTokenClaims | null> => {
    const cached = verified.get(token);
    if (cached && cached.exp * 1000 > now()) return cached;
    const claims = await verify(token);
    if (claims) verified.set(token, claims);
    return claims;
  };
}
