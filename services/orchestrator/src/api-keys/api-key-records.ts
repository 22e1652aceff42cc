/**
 * One DynamoDB item per API key, in the token table beside the refresh tokens:
 *
 * - `APIKEY#<sha256(key)>` / `APIKEY`: what verification reads (one consistent get by the hash
 *   of the presented key). The raw key is never stored.
 * - While the key is active it also carries `gsi1pk = TENANT#<tenantId>#APIKEYS` and
 *   `gsi1sk = APIKEY#<keyId>`, which put it in the table's sparse `gsi1` index: listing a
 *   tenant's keys and finding one by its public id are queries there. Revoking removes both
 *   attributes, so a revoked key leaves the listing, and sets `expiresAt` so TTL deletes it later.
 *   Every key is created with an expiry: it carries `validUntil`, and `expiresAt` past it for the
 *   same cleanup.
 */
export type ApiKeyState = 'active' | 'revoked';

export interface ApiKeyRecord {
  pk: string;
  sk: 'APIKEY';
  keyId: string;
  tenantId: string;
  name: string;
  scopes: string[];
  state: ApiKeyState;
  /** The user who created it (for the audit trail; the key belongs to the tenant). */
  createdBy: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; written at most once per throttle window. */
  lastUsedAt?: number;
  revokedAt?: number;
  /**
   * Epoch milliseconds after which verification refuses the key. Absent only on a key minted before
   * keys had lifetimes, which lives the maximum lifetime from `createdAt` (`validUntilOf`).
   */
  validUntil?: number;
  gsi1pk?: string;
  gsi1sk?: string;
  /** Epoch seconds, the TTL attribute: set on revocation, and at creation for a key that expires. */
  expiresAt?: number;
}

export const apiKeyIndexName = 'gsi1';
/** `createdBy` of a key whose creator was erased: no user has it, so the key never acts. */
export const erasedCreator = 'erased-user';
export const apiKeyKey = (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' as const });
export const tenantApiKeysPartition = (tenantId: string) => `TENANT#${tenantId}#APIKEYS`;
export const apiKeySortKey = (keyId: string) => `APIKEY#${keyId}`;
