import { ConfigError, loadConfig, refuseInsecureSettingsOffLoopback, sharedConfigFields } from '@authscale/core';
import { Type } from 'typebox';
import { orchestratorConfigSchema } from '../config.ts';
import { webhookConfigFields } from './webhook-config.ts';

// The orchestrator's own fields, taken from its schema so a setting means one thing in both.
const {
  LOG_LEVEL,
  DATABASE_IAM_AUTH,
  AWS_REGION,
  TOTP_ENCRYPTION_KEY,
  TOTP_ENCRYPTION_KEY_ID,
  TOTP_PREVIOUS_ENCRYPTION_KEYS,
} = orchestratorConfigSchema.properties;

/**
 * What the dispatcher process reads: its database role, the key that opens endpoint secrets and the
 * delivery settings. It is the one process that calls addresses on the internet, so it holds none of
 * the orchestrator's other secrets (the internal API token, the assertion key, the signing keys).
 * `PUBLIC_ORIGIN` is read only to refuse the `INSECURE_*` switches off loopback.
 */
export const webhookDispatcherConfigSchema = Type.Object({
  LOG_LEVEL,
  PUBLIC_ORIGIN: sharedConfigFields.PUBLIC_ORIGIN,
  /** As the orchestrator's: an RDS IAM authentication token for PGUSER instead of a password. */
  DATABASE_IAM_AUTH,
  AWS_REGION,
  TOTP_ENCRYPTION_KEY,
  TOTP_ENCRYPTION_KEY_ID,
  TOTP_PREVIOUS_ENCRYPTION_KEYS,
  ...webhookConfigFields,
});

export function loadWebhookDispatcherConfig(values: Record<string, unknown>) {
  const config = loadConfig({ scope: 'webhook-dispatcher', schema: webhookDispatcherConfigSchema, values });
  if (config.DATABASE_IAM_AUTH && config.EVENTS_DATABASE_URL) {
    throw new ConfigError('webhook-dispatcher', [
      'DATABASE_IAM_AUTH: connects through PGHOST, PGPORT, PGUSER and PGDATABASE; unset EVENTS_DATABASE_URL',
    ]);
  }
  return refuseInsecureSettingsOffLoopback('webhook-dispatcher', config);
}

export type WebhookDispatcherConfig = ReturnType<typeof loadWebhookDispatcherConfig>;
