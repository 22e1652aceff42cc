import { Webhook } from 'standardwebhooks';

export interface SignWebhookOptions {
  messageId: string;
  timestamp: Date;
  body: string;
  /** The current secret first; during a rotation the previous one too, each `whsec_...`. */
  secrets: readonly string[];
}

/**
 * The three Standard Webhooks headers. The signature is the library's own (`v1,` and an
 * HMAC-SHA256 of `id.timestamp.body`); with several secrets the header lists one signature per
 * secret, space-separated, as the specification allows, and a receiver accepts any that matches.
 */
export function signWebhook({ messageId, timestamp, body, secrets }: SignWebhookOptions): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' '),
  };
}
