import { ConfigError, durationSeconds, loadConfig, refuseInsecureSettingsOffLoopback } from '@authscale/core';
import { Type } from 'typebox';
import { orchestratorConfigSchema } from '../config.ts';
import { mailConfigFields } from '../mail/mail-config.ts';
import { refuseMissingMailTransport } from '../mail/refuse-missing-mail-transport.ts';

// The orchestrator's own fields, taken from its schema so a setting means one thing in both.
const {
  LOG_LEVEL,
  DATABASE_IAM_AUTH,
  AWS_REGION,
  DYNAMODB_ENDPOINT,
  TOKEN_TABLE_NAME,
  INTERNAL_API_TOKEN,
  SESSION_REPLICAS,
  PUBLIC_ORIGIN,
  TOTP_ENCRYPTION_KEY,
  TOTP_ENCRYPTION_KEY_ID,
  TOTP_PREVIOUS_ENCRYPTION_KEYS,
  INSECURE_WEBHOOK_HTTP,
  WEBHOOK_SECRET_OVERLAP_SECONDS,
} = orchestratorConfigSchema.properties;

/**
 * What the admin API process reads (docs/admin-api.md). Its listener has settings of its own, so
 * one process (`npm start`) can serve it beside the public origin without sharing a port, and
 * its database role is the operator's. It holds no signing key and no principal assertion key:
 * it issues no tokens and no edge calls it.
 */
export const adminApiConfigSchema = Type.Object({
  ADMIN_API_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  ADMIN_API_PORT: Type.Integer({ default: 8083, minimum: 0, maximum: 65535 }),
  LOG_LEVEL,
  /** The operator role (`authscale_operator`). Unset, node-postgres reads the PG* variables. */
  OPERATOR_DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_IAM_AUTH,
  AWS_REGION,
  DYNAMODB_ENDPOINT,
  TOKEN_TABLE_NAME,
  INTERNAL_API_TOKEN,
  SESSION_REPLICAS,
  /** Where mailed links point. */
  PUBLIC_ORIGIN,
  /** How long the link of an account an operator created (`invite`) sets its first password. */
  ADMIN_INVITATION_LIFETIME_SECONDS: durationSeconds({
    default: 7 * 24 * 3600,
    minimum: 3600,
    maximum: 30 * 24 * 3600,
  }),
  TOTP_ENCRYPTION_KEY,
  TOTP_ENCRYPTION_KEY_ID,
  TOTP_PREVIOUS_ENCRYPTION_KEYS,
  INSECURE_WEBHOOK_HTTP,
  WEBHOOK_SECRET_OVERLAP_SECONDS,
  ...mailConfigFields,
});

export function loadAdminApiConfig(values: Record<string, unknown>) {
  const config = loadConfig({ scope: 'admin-api', schema: adminApiConfigSchema, values });
  if (config.DATABASE_IAM_AUTH && config.OPERATOR_DATABASE_URL) {
    throw new ConfigError('admin-api', [
      'DATABASE_IAM_AUTH: connects through PGHOST, PGPORT, PGUSER and PGDATABASE; unset OPERATOR_DATABASE_URL',
    ]);
  }
  return refuseMissingMailTransport('admin-api', refuseInsecureSettingsOffLoopback('admin-api', config));
}

export type AdminApiConfig = ReturnType<typeof loadAdminApiConfig>;
