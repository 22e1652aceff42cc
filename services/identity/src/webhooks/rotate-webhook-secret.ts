import type { Queryable } from '../postgres/queryable.ts';
import {
  toWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointRow,
  webhookEndpointColumns,
} from './webhook-endpoint.ts';

export interface RotateWebhookSecretInput {
  endpointId: string;
  secretCiphertext: string;
  /** How long the secret being replaced still signs, beside the new one. */
  overlapSeconds: number;
}

/**
 * Makes a new secret current and keeps the one it replaces for `overlapSeconds`: deliveries carry
 * a signature under each, so a receiver verifies with either while it switches. A second rotation
 * inside the window retires the oldest at once. `null` when the tenant has no such endpoint.
 */
export async function rotateWebhookSecret(
  db: Queryable,
  { endpointId, secretCiphertext, overlapSeconds }: RotateWebhookSecretInput,
): Promise<WebhookEndpoint | null> {
  const { rows } = await db.query<WebhookEndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret_ciphertext = secret_ciphertext, secret_ciphertext = $2,
       previous_secret_expires_at = now() + make_interval(secs => $3)
     WHERE id = $1 RETURNING ${webhookEndpointColumns}`,
    [endpointId, secretCiphertext, overlapSeconds],
  );
  return rows[0] ? toWebhookEndpoint(rows[0]) : null;
}
