import { createHash } from 'node:crypto';

/** Flow ids are bearer secrets for a few minutes: only their SHA-256 is stored. */
export function flowIdHash(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}
