import type { Queryable } from '../postgres/queryable.ts';

/** One line of the audit export: every column, the address as text. */
export interface ExportedAuditEvent {
  id: string;
  occurredAt: string;
  type: string;
  userId: string | null;
  tenantId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

/**
 * How old a row must be before the export shows it. Ids are taken at insert and rows become
 * visible at commit, so a reader could pass an id whose transaction has not committed yet; no
 * identity transaction lives this long, so a cursor never skips a row that appears later.
 */
export const auditExportSettleSeconds = 60;

/**
 * Every tenant's audit events in id order (the order they were written), after the cursor `after`
 * (the last id of the previous page), from `since` on. Needs the operator role's policy.
 */
export async function exportAuditEvents(
  db: Queryable,
  {
    after,
    since,
    limit,
    settleSeconds = auditExportSettleSeconds,
  }: { after?: string; since?: string; limit: number; settleSeconds?: number },
): Promise<ExportedAuditEvent[]> {
  const { rows } = await db.query<{
    id: string;
    occurred_at: Date;
    type: string;
    user_id: string | null;
    tenant_id: string | null;
    ip: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT id::text, occurred_at, type, user_id, tenant_id, host(ip) AS ip, detail FROM audit_events
     WHERE ($1::bigint IS NULL OR id > $1::bigint) AND ($2::timestamptz IS NULL OR occurred_at >= $2::timestamptz)
       AND occurred_at < now() - make_interval(secs => $4)
     ORDER BY audit_events.id LIMIT $3`,
    [after ?? null, since ?? null, limit, settleSeconds],
  );
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    type: row.type,
    userId: row.user_id,
    tenantId: row.tenant_id,
    ip: row.ip,
    detail: row.detail,
  }));
}
