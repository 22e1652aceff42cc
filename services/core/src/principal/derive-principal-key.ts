import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.ts';

/**
 * Derives the HS256 key for principal assertions from `PRINCIPAL_ASSERTION_KEY`, or from the shared
 * internal API token when that is unset, so the bearer token the replicas check and the assertion
 * key are never the same bytes. `principalKeys` does this for every value of a rotation.
 * Call once at start-up and hand the key to `signPrincipal`/`verifyPrincipal`. A KeyObject, not
 * bytes: on Node 24, `createHmac` given raw key bytes imports them again on every call, about 11 µs
 * where a KeyObject costs 1.7 (as both did on Node 20), and every internal request signs or
 * checks one assertion.
 */
export function derivePrincipalKey(secret: string): KeyObject {
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new ConfigError('principal', ['a principal-assertion secret must be at least 32 characters']);
  }
  return createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'authscale', 'principal-assertion-v1', 32)));
}
