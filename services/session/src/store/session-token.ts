import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** User ids are shard keys and Redis hash tags: no braces, no dots, bounded length. */
export const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/** `<userId>.<secret>`: 32 bytes (256 bits) from the CSPRNG, base64url. */
export function generateSessionToken(userId: string): string {
  return `${userId}.${randomBytes(32).toString('base64url')}`;
}

/** base64url(SHA-256(token)): what is stored and shown instead of the token. */
export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Splits a presented token; null for anything that is not well formed (no detail: no oracle). */
export function parseSessionToken(token: string): { userId: string; sid: string } | null {
  const dot = token.indexOf('.');
  if (dot < 1) return null;
  const userId = token.slice(0, dot);
  if (!userIdPattern.test(userId) || !secretPattern.test(token.slice(dot + 1))) return null;
  return { userId, sid: sessionIdFor(token) };
}

/** Compares two session ids without leaking where they differ. */
export function sameSessionId(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
