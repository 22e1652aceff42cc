import { createRemoteJWKSet } from 'jose';

export interface CreateJwksCacheOptions {
  /** The issuer's `/.well-known/jwks.json`. */
  url: string | URL;
  /** How long a fetched key set is trusted before a refetch. @default 600000 (10 minutes) */
  cacheMaxAgeMs?: number;
  /**
   * Minimum time between refetches triggered by an unknown `kid`: a flood of tokens with made-up
   * kids costs at most one fetch per cooldown. @default 30000
   */
  cooldownMs?: number;
  /** @default 2000 */
  timeoutMs?: number;
}

/**
 * A cached key resolver for `verifyAccessToken`. An unknown `kid` triggers a refetch (after the
 * cooldown), so a newly published signing key is picked up without a restart.
 */
export function createJwksCache({
  url,
  cacheMaxAgeMs = 600_000,
  cooldownMs = 30_000,
  timeoutMs = 2000,
}: CreateJwksCacheOptions) {
  return createRemoteJWKSet(new URL(url), {
    cacheMaxAge: cacheMaxAgeMs,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
  });
}
