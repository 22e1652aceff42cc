import type { Queryable } from '../postgres/queryable.ts';

export interface TenantAuditEvent {
  id: string;
  type: string;
  occurredAt: string;
  userId: string | null;
  detail: Record<string, unknown>;
}

/**
 * The current tenant's audit events, newest first. No tenant filter here on purpose: row-level
 * security supplies it from the transaction's `app.tenant_id`.
 */
export async function listAuditEvents(
  db: Queryable,
  { limit = 100, before }: { limit?: number; before?: string } = {},
): Promise<TenantAuditEvent[]> {
  const { rows } = await db.query<{
    id: string;
    type: string;
    occurred_at: Date;
    user_id: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT id::text, type, occurred_at, user_id, detail FROM audit_events
     WHERE ($2::bigint IS NULL OR id < $2::bigint) ORDER BY audit_events.id DESC LIMIT $1`,
    [limit, before ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    userId: row.user_id,
    detail: row.detail,
  }));
}
