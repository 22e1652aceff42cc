import type { Queryable } from '../postgres/queryable.ts';
import {
  toWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointRow,
  webhookEndpointColumns,
} from './webhook-endpoint.ts';

/** The current tenant's endpoints, oldest first; row-level security supplies the tenant. */
export async function listWebhookEndpoints(db: Queryable): Promise<WebhookEndpoint[]> {
  const { rows } = await db.query<WebhookEndpointRow>(
    `SELECT ${webhookEndpointColumns} FROM webhook_endpoints ORDER BY created_at, id LIMIT 100`,
  );
  return rows.map(toWebhookEndpoint);
}
