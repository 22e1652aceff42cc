import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const prefix = 'rt_';
const tokenPattern = /^rt_[A-Za-z0-9_-]{43}$/;

/** 256 bits from the CSPRNG; the prefix lets secret scanners recognise a leaked token. */
export function generateRefreshToken(): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function isWellFormedRefreshToken(value: string): boolean {
  return tokenPattern.test(value);
}

/** The storage key of a token: its SHA-256. The token itself is never stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function successorKey(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, 'authscale', 'refresh-token-successor-v1', 32));
}

/**
 * Encrypts the successor under a key derived from the token it replaces. A repeat of that token
 * inside the grace window can recover the very same successor; the database alone cannot.
 */
export function sealSuccessor({ token, successor }: { token: string; successor: string }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', successorKey(token), iv);
  const ciphertext = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

export function openSuccessor({ token, sealed }: { token: string; sealed: string }): string {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', successorKey(token), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}
