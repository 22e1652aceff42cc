import { createHash } from 'node:crypto';

/**
 * SHA-256 of the normalised code. A slow password hash buys nothing here: the codes carry 130
 * bits from the CSPRNG, so no dictionary or brute force reaches them, and a fast hash lets the
 * lookup be an indexed equality that needs no per-row comparison loop.
 */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normalised, 'utf8').digest('base64url');
}
