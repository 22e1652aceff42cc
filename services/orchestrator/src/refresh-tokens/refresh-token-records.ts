/**
 * The DynamoDB items behind refresh tokens, in one table keyed by `pk` + `sk`:
 *
 * - `FAMILY#<sessionId>` / `FAMILY`: one per sign-in, bound 1:1 to the session. Holds what a
 *   refreshed access token needs (user, tenant, amr, acr, auth_time), the absolute expiry and
 *   the family state. Revoking the family is one write here.
 * - `TOKEN#<sha256(token)>` / `TOKEN`: one per issued refresh token. `active` until used once,
 *   then `rotated` with the successor's hash and the successor sealed under a key derived from
 *   this token (so only a holder of this token can recover it, during the grace window).
 *
 * - `USER#<userId>` / `REVOCATION`: written when an operator disables the user. Every family of
 *   theirs created at or before `revokedBefore` is refused, so all of them end with one write.
 *
 * Families and tokens also carry `gsi1pk = USER#<userId>#FAMILIES` and `gsi1sk = FAMILY#<familyId>`
 * (a token: `FAMILY#<familyId>#TOKEN#<hash>`), which put them in the table's sparse `gsi1` index
 * beside the API keys: erasing a user finds everything of theirs with one query. Items written
 * before those attributes existed are not in it (docs/erasure.md).
 *
 * Raw tokens are never stored. `expiresAt` is epoch seconds and is the table's TTL attribute, so
 * DynamoDB deletes expired items lazily; expiry is still checked on every read because TTL
 * deletion can lag by days (and the local emulator has none).
 */
export type FamilyState = 'active' | 'revoked';
export type TokenState = 'active' | 'rotated';

export interface FamilyRecord {
  pk: string;
  sk: 'FAMILY';
  familyId: string;
  userId: string;
  tenantId: string;
  amr: string[];
  acr: string;
  authTime: number;
  state: FamilyState;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch seconds: the absolute end of the sign-in, and the TTL attribute. */
  expiresAt: number;
  revokedAt?: number;
  revokedReason?: string;
  gsi1pk?: string;
  gsi1sk?: string;
}

export interface TokenRecord {
  pk: string;
  sk: 'TOKEN';
  familyId: string;
  state: TokenState;
  createdAt: number;
  expiresAt: number;
  rotatedAt?: number;
  successorHash?: string;
  sealedSuccessor?: string;
  gsi1pk?: string;
  gsi1sk?: string;
}

export interface UserRevocationRecord {
  pk: string;
  sk: 'REVOCATION';
  userId: string;
  /** Epoch milliseconds: families created at or before it are revoked. */
  revokedBefore: number;
}

export const userRevocationKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'REVOCATION' as const });
export const familyKey = (familyId: string) => ({ pk: `FAMILY#${familyId}`, sk: 'FAMILY' as const });
export const tokenKey = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' as const });

export const userFamiliesPartition = (userId: string) => `USER#${userId}#FAMILIES`;
/** Where a user's families and tokens are listed in `gsi1`. */
export const userFamiliesIndexKey = (userId: string, familyId: string, tokenHash?: string) => ({
  gsi1pk: userFamiliesPartition(userId),
  gsi1sk: tokenHash ? `FAMILY#${familyId}#TOKEN#${tokenHash}` : `FAMILY#${familyId}`,
});
