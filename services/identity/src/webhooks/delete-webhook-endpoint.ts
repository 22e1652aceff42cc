import type { Queryable } from '../postgres/queryable.ts';

/** Removes one of the current tenant's endpoints with its deliveries, pending ones included. */
export async function deleteWebhookEndpoint(db: Queryable, { endpointId }: { endpointId: string }): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM webhook_endpoints WHERE id = $1', [endpointId]);
  return rowCount === 1;
}
