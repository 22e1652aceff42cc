import { randomBytes } from 'node:crypto';

/** `<userId>.<secret>`: 32 bytes (256 bits) from the CSPRNG, base64url. */
export function generateSessionToken(userId: string): string {
  return `${userId}.${randomBytes(32).toString('base64url')}`;
}
