import { randomBytes } from 'node:crypto';
import type { OperatorScope } from './operator-scopes.ts';

/**
 * One DynamoDB item per operator key, in the token table beside the tenant API keys and stored the
 * same way (docs/adr/0009-operator-keys-for-the-admin-api.md):
 *
 * - `OPERATORKEY#<sha256(key)>` / `OPERATORKEY`: what verification reads, one consistent get by the
 *   hash of the presented key. The key itself is never stored.
 * - While active it carries `gsi1pk = OPERATORKEYS`, `gsi1sk = OPERATORKEY#<keyId>`, which lists
 *   the keys in the sparse `gsi1` index. Revoking removes both and sets `expiresAt` for TTL.
 */
export interface OperatorKeyRecord {
  pk: string;
  sk: 'OPERATORKEY';
  keyId: string;
  /** Who holds it: the person (or the automation) every action with it is audited as. */
  operator: string;
  scopes: OperatorScope[];
  state: 'active' | 'revoked';
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds after which verification refuses it. */
  validUntil: number;
  revokedAt?: number;
  gsi1pk?: string;
  gsi1sk?: string;
  /** Epoch seconds, the TTL attribute. */
  expiresAt: number;
}

/** Recognisable in logs and secret scanners, and never mistaken for a tenant key (`ask_`). */
export const operatorKeyPrefix = 'aso_';
export const operatorKeyPattern = /^aso_[A-Za-z0-9_-]{43}$/;
export const operatorKeyIdPattern = '^ok_[A-Za-z0-9_-]{16}$';
export const operatorKeysPartition = 'OPERATORKEYS';
export const operatorKeyKey = (keyHash: string) => ({ pk: `OPERATORKEY#${keyHash}`, sk: 'OPERATORKEY' as const });
export const operatorKeySortKey = (keyId: string) => `OPERATORKEY#${keyId}`;

/** 256 bits from the CSPRNG; shown once. */
export const generateOperatorKey = () => `${operatorKeyPrefix}${randomBytes(32).toString('base64url')}`;
/** The public handle for listing and revoking, unrelated to the secret. */
export const newOperatorKeyId = () => `ok_${randomBytes(12).toString('base64url')}`;
