import { hkdfSync } from 'node:crypto';
import { ConfigError } from '../errors.ts';

/**
 * Derives the HS256 key for principal assertions from the shared internal API token, so the
 * bearer token the replicas check and the assertion key are never the same bytes.
 * Call once at start-up and hand the key to `signPrincipal`/`verifyPrincipal`.
 */
export function derivePrincipalKey(internalApiToken: string): Uint8Array {
  if (typeof internalApiToken !== 'string' || internalApiToken.length < 32) {
    throw new ConfigError('principal', ['the internal API token must be at least 32 characters']);
  }
  return new Uint8Array(hkdfSync('sha256', internalApiToken, 'authscale', 'principal-assertion-v1', 32));
}
