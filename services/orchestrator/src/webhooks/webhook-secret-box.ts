import { hkdfSync } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../totp/create-secret-box.ts';
import { newWebhookSecret } from './new-webhook-secret.ts';

export interface WebhookSecretBoxSettings {
  TOTP_ENCRYPTION_KEY: string;
  TOTP_ENCRYPTION_KEY_ID: string;
  TOTP_PREVIOUS_ENCRYPTION_KEYS: readonly string[];
}

// Its own HKDF label: the same deployment secret, a key of its own, so neither box opens the other's.
const deriveKey = (secret: string) =>
  new Uint8Array(hkdfSync('sha256', secret, 'authscale', 'webhook-secret-box-v1', 32));

/**
 * Seals webhook signing secrets at rest, as TOTP seeds are, under keys derived from the same
 * setting and rotated with it. Each secret is bound to its endpoint id.
 */
export function webhookSecretBox(config: WebhookSecretBoxSettings): SecretBox {
  const previous = config.TOTP_PREVIOUS_ENCRYPTION_KEYS.map((entry) => {
    const separator = entry.indexOf(':');
    return [entry.slice(0, separator), deriveKey(entry.slice(separator + 1))] as const;
  });
  return createSecretBox({
    keys: { ...Object.fromEntries(previous), [config.TOTP_ENCRYPTION_KEY_ID]: deriveKey(config.TOTP_ENCRYPTION_KEY) },
    currentKeyId: config.TOTP_ENCRYPTION_KEY_ID,
    scope: 'webhook secret box',
  });
}

/** The additional data a webhook secret is sealed under. */
export const webhookSecretContext = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/** A new signing secret for the endpoint, and that secret sealed for storage. */
export function sealedWebhookSecret(config: WebhookSecretBoxSettings) {
  const secretBox = webhookSecretBox(config);
  return (endpointId: string) => {
    const secret = newWebhookSecret();
    return { secret, secretCiphertext: secretBox.seal(secret, webhookSecretContext(endpointId)) };
  };
}
