/** A session as the replicas' internal API returns it (see docs/architecture.md). */
export interface SessionView {
  sid: string;
  userId: string;
  tenantId: string;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
  amr: string[];
  acr: string;
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
