import { hash } from 'node:crypto';

/**
 * base64url of the first 128 bits of SHA-256(token): what is stored and shown instead of the
 * token. 128 bits keep ids unique and a token for a given id unfindable, as the full 256 would;
 * the 21 characters fewer put a one-session user's Redis hash in a smaller allocation
 * (`docs/sessions.md`, "Storage layout"). The edge's near cache keys sessions the same way.
 */
export function sessionIdFor(token: string): string {
  // The one-shot hash: a Hash object per request cost the edge several times its own hashing.
  return hash('sha256', token, 'buffer').subarray(0, 16).toString('base64url');
}
