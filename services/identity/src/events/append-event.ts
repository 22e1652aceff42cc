import type { Queryable } from '../postgres/queryable.ts';
import { type DomainEvent, eventCatalogue } from './event-catalogue.ts';

/**
 * Writes an event to the outbox. Inside a transaction it commits or rolls back with the change;
 * the dispatcher sends it after the commit. The tenants that see it are fixed now: the event's
 * own tenant, or for an event about a user alone, every tenant the user belongs to at this moment
 * (so `user.deleted`, written before the rows go, still reaches them). The application role may
 * insert outbox rows, never read them.
 */
export async function appendEvent(db: Queryable, event: DomainEvent): Promise<void> {
  const { version, orderedByUser } = eventCatalogue[event.type];
  const data: { userId: string; tenantId?: string } = event.data;
  await db.query(
    `INSERT INTO event_outbox (type, version, user_id, ordering_key, tenant_ids, data)
     VALUES ($1, $2, $3::uuid, $4, CASE WHEN $5::uuid IS NOT NULL THEN ARRAY[$5::uuid]
       ELSE ARRAY(SELECT tenant_id FROM memberships WHERE user_id = $3::uuid) END, $6)`,
    [
      event.type,
      version,
      data.userId,
      orderedByUser ? data.userId : null,
      data.tenantId ?? null,
      JSON.stringify(event.data),
    ],
  );
}
