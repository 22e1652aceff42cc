import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { AuthError } from '../errors.ts';

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

/** The key set could not be had (no answer, not 200, not a key set): the issuer's fault, not the token's. */
const keySetUnavailable = (error: unknown) =>
  (error instanceof TypeError && error.message === 'fetch failed') ||
  error instanceof errors.JWKSTimeout ||
  error instanceof errors.JWKSInvalid ||
  (error instanceof errors.JOSEError && error.code === errors.JOSEError.code);

/**
 * A cached key resolver for `verifyAccessToken`. An unknown `kid` triggers a refetch (after the
 * cooldown), so a newly published signing key is picked up without a restart. When the key set
 * cannot be fetched it fails with `dependency_unavailable` (503), so clients do not take an issuer
 * outage for a bad token and sign their users out.
 */
export function createJwksCache({
  url,
  cacheMaxAgeMs = 600_000,
  cooldownMs = 30_000,
  timeoutMs = 2000,
}: CreateJwksCacheOptions): JWTVerifyGetKey {
  const resolve = createRemoteJWKSet(new URL(url), {
    cacheMaxAge: cacheMaxAgeMs,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
  });
  return async (header, token) => {
    try {
      return await resolve(header, token);
    } catch (error) {
      if (keySetUnavailable(error)) {
        throw new AuthError('dependency_unavailable', 'The signing keys could not be fetched.', { cause: error });
      }
      throw error;
    }
  };
}
