import { randomBytes } from 'node:crypto';

/**
 * A one-time token for a mailed link: 256 bits from the CSPRNG, base64url. Identity stores only
 * its SHA-256 (as it does for every flow id), so a database read does not yield working links.
 */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}
