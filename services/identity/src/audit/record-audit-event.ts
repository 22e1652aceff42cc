import type { Queryable } from '../postgres/queryable.ts';
import type { AuditEvent } from '../types.ts';

/** Appends an audit event; the application role may insert audit rows but never read or change them. */
export async function recordAuditEvent(db: Queryable, { type, userId, tenantId, ip, detail = {} }: AuditEvent) {
  await db.query('INSERT INTO audit_events (type, user_id, tenant_id, ip, detail) VALUES ($1, $2, $3, $4, $5)', [
    type,
    userId ?? null,
    tenantId ?? null,
    ip ?? null,
    JSON.stringify(detail),
  ]);
}
