import type { EventType } from '../events/event-catalogue.ts';
import type { Queryable } from '../postgres/queryable.ts';
import {
  toWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointRow,
  webhookEndpointColumns,
} from './webhook-endpoint.ts';

export interface CreateWebhookEndpointInput {
  /** Chosen by the caller, because the sealed secret is bound to it. */
  id: string;
  url: string;
  eventTypes: EventType[];
  secretCiphertext: string;
  /** The member who created it; none for an operator's platform-wide endpoint. */
  createdBy?: string;
}

/**
 * Adds an endpoint for the transaction's tenant (`app.tenant_id`, which RLS checks), or, on the
 * operators' connection with no tenant set, a platform-wide one that sees every tenant's events.
 */
export async function createWebhookEndpoint(
  db: Queryable,
  { id, url, eventTypes, secretCiphertext, createdBy }: CreateWebhookEndpointInput,
): Promise<WebhookEndpoint> {
  const { rows } = await db.query<WebhookEndpointRow>(
    `INSERT INTO webhook_endpoints (id, url, event_types, secret_ciphertext, created_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${webhookEndpointColumns}`,
    [id, url, eventTypes, secretCiphertext, createdBy ?? null],
  );
  return toWebhookEndpoint(rows[0] as WebhookEndpointRow);
}
