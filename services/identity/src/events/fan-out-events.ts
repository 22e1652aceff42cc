import type { Queryable } from '../postgres/queryable.ts';

/**
 * Turns up to `limit` outbox rows, oldest first, into one delivery per matching endpoint: one that
 * asked for the type, of a tenant that sees the event or platform-wide, and that existed when the
 * event happened. One statement, so a row is fanned out exactly once; SKIP LOCKED lets several
 * dispatchers share the outbox. Returns how many outbox rows it took.
 */
export async function fanOutEvents(db: Queryable, { limit }: { limit: number }): Promise<number> {
  const { rowCount } = await db.query(
    `WITH claimed AS (
       SELECT id, message_id, type, occurred_at, ordering_key, tenant_ids FROM event_outbox
       WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
     ), fanned AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, ordering_key, message_id, event_type)
       SELECT c.id, e.id, e.tenant_id, c.ordering_key, c.message_id, c.type
       FROM claimed c JOIN webhook_endpoints e ON c.type = ANY (e.event_types)
         AND (e.tenant_id IS NULL OR e.tenant_id = ANY (c.tenant_ids)) AND e.created_at <= c.occurred_at
       ORDER BY c.id
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
     )
     UPDATE event_outbox o SET fanned_out_at = now() FROM claimed c WHERE o.id = c.id`,
    [limit],
  );
  return rowCount ?? 0;
}
