import type { Queryable } from '../postgres/queryable.ts';

export type WebhookDeliveryState = 'pending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  id: string;
  /** The `webhook-id` the receiver saw. */
  messageId: string;
  eventType: string;
  state: WebhookDeliveryState;
  attempts: number;
  /** When the next attempt may start (pending deliveries only). */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  /** Why the last attempt failed, as a code (`http_503`, `network_timeout`, `address_refused`...). */
  lastError: string | null;
  settledAt: string | null;
}

export interface ListWebhookDeliveriesInput {
  endpointId: string;
  state?: WebhookDeliveryState;
  limit?: number;
  /** A delivery id from the previous page. */
  before?: string;
}

/** One endpoint's deliveries under the current tenant, newest first; dead letters with `state: 'dead'`. */
export async function listWebhookDeliveries(
  db: Queryable,
  { endpointId, state, limit = 50, before }: ListWebhookDeliveriesInput,
): Promise<WebhookDelivery[]> {
  const { rows } = await db.query<{
    id: string;
    message_id: string;
    event_type: string;
    state: WebhookDeliveryState;
    attempts: number;
    next_attempt_at: Date;
    last_status: number | null;
    last_error: string | null;
    settled_at: Date | null;
  }>(
    `SELECT id::text, message_id, event_type, state, attempts, next_attempt_at, last_status, last_error, settled_at
     FROM webhook_deliveries
     WHERE endpoint_id = $1 AND ($2::text IS NULL OR state = $2) AND ($4::bigint IS NULL OR id < $4::bigint)
     ORDER BY webhook_deliveries.id DESC LIMIT $3`,
    [endpointId, state ?? null, limit, before ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    messageId: row.message_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    settledAt: row.settled_at?.toISOString() ?? null,
  }));
}
