import { createHash, randomBytes } from 'node:crypto';
import { apiKeyPrefix } from '@authscale/core';

/** 256 bits from the CSPRNG behind the recognisable `ask_` prefix; shown once, never stored. */
export function generateApiKey(): string {
  return `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
}

/** The storage key of an API key: its SHA-256. A fast hash suffices for 256 random bits. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/** The public handle for listing and revoking: 96 random bits, unrelated to the secret. */
export function newApiKeyId(): string {
  return `ak_${randomBytes(12).toString('base64url')}`;
}

export const apiKeyIdPattern = '^ak_[A-Za-z0-9_-]{16}$';
