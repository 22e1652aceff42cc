import { randomBytes } from 'node:crypto';

/**
 * A signing secret in the Standard Webhooks form: `whsec_` and the base64 of 32 random bytes
 * (the specification asks for 24 to 64), which its libraries take as it is.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
