/**
 * A session as every backend stores it and the replicas' internal API returns it (see
 * docs/architecture.md). It references the user and tenant by id and embeds no identity data (no
 * email, name or role); times are epoch milliseconds.
 */
export interface SessionView {
  /** base64url of the first 128 bits of SHA-256(token): the storage key and the public id. */
  sid: string;
  userId: string;
  tenantId: string;
  createdAt: number;
  lastSeenAt: number;
  /** Slides forward on use (throttled), never past `absoluteExpiresAt`. */
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** Authentication methods references (RFC 8176), e.g. `["pwd", "otp"]`. */
  amr: string[];
  /** Authentication context class reference, e.g. `"aal1"`. */
  acr: string;
  /** When the user last actively authenticated (epoch ms). */
  authTime: number;
}

export interface CreateSessionInput {
  userId: string;
  tenantId: string;
  ip?: string;
  userAgent?: string;
  amr: string[];
  acr: string;
  authTime?: number;
}
