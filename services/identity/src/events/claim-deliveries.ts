import type { Queryable } from '../postgres/queryable.ts';

/** A delivery the dispatcher holds until its lease ends: what to send, where, signed with what. */
export interface ClaimedDelivery {
  id: string;
  /** This attempt's number, from 1; settling checks it, so a dispatcher whose lease ran out changes nothing. */
  attempt: number;
  messageId: string;
  type: string;
  version: number;
  occurredAt: Date;
  data: Record<string, unknown>;
  endpointId: string;
  url: string;
  secretCiphertext: string;
  /** The secret a rotation replaced, while it still signs. */
  previousSecretCiphertext: string | null;
}

/**
 * Takes up to `limit` due deliveries and leases each for `leaseMs` by moving its next attempt
 * forward, in one statement that commits at once: the HTTP call happens outside any transaction,
 * and a dispatcher that dies mid-send leaves a delivery that is due again when the lease ends.
 * An ordered delivery is due only when nothing earlier for the same user and endpoint is pending
 * or still waiting in the outbox.
 */
export async function claimDeliveries(
  db: Queryable,
  { limit, leaseMs }: { limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<{
    id: string;
    attempts: number;
    message_id: string;
    type: string;
    version: number;
    occurred_at: Date;
    data: Record<string, unknown>;
    endpoint_id: string;
    url: string;
    secret_ciphertext: string;
    previous_secret_ciphertext: string | null;
  }>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d
       WHERE d.state = 'pending' AND d.next_attempt_at <= now()
         AND (d.ordering_key IS NULL OR (
           NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                       WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                         AND p.state = 'pending' AND p.event_id < d.event_id)
           AND NOT EXISTS (SELECT 1 FROM event_outbox o
                           WHERE o.fanned_out_at IS NULL AND o.ordering_key = d.ordering_key AND o.id < d.event_id)))
       ORDER BY d.next_attempt_at, d.id LIMIT $1
       FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d
     SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
     FROM due, event_outbox o, webhook_endpoints e
     WHERE d.id = due.id AND o.id = d.event_id AND e.id = d.endpoint_id
     RETURNING d.id::text, d.attempts, o.message_id, o.type, o.version, o.occurred_at, o.data, e.id AS endpoint_id,
       e.url, e.secret_ciphertext,
       CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_ciphertext END AS previous_secret_ciphertext`,
    [limit, leaseMs],
  );
  return rows.map((row) => ({
    id: row.id,
    attempt: row.attempts,
    messageId: row.message_id,
    type: row.type,
    version: row.version,
    occurredAt: row.occurred_at,
    data: row.data,
    endpointId: row.endpoint_id,
    url: row.url,
    secretCiphertext: row.secret_ciphertext,
    previousSecretCiphertext: row.previous_secret_ciphertext,
  }));
}
