/** A webhook endpoint as its tenant's owners see it: never its secret. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  createdAt: string;
  /** While set, deliveries are signed with the previous secret too. */
  previousSecretExpiresAt: string | null;
}

export interface WebhookEndpointRow {
  id: string;
  url: string;
  event_types: string[];
  created_at: Date;
  previous_secret_expires_at: Date | null;
}

export const webhookEndpointColumns = 'id, url, event_types, created_at, previous_secret_expires_at';

export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    createdAt: row.created_at.toISOString(),
    previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
  };
}
