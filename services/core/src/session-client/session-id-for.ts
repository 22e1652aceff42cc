import { createHash } from 'node:crypto';

/** base64url(SHA-256(token)): what is stored and shown instead of the token. */
export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
