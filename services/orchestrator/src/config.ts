import {
  ConfigError,
  durationSeconds,
  loadConfig,
  refuseInsecureSettingsOffLoopback,
  serviceConfigFields,
  sharedConfigFields,
} from '@authscale/core';
import { Type } from 'typebox';
import { emailCodeConfigFields } from './email-code/email-code-config.ts';
import { hookConfigFields, hookEndpointsFromConfig } from './hooks/hook-config.ts';
import { mailConfigFields } from './mail/mail-config.ts';
import { refuseMissingMailTransport } from './mail/refuse-missing-mail-transport.ts';
import { ceremonyConfigFields } from './mfa/ceremony-config.ts';
import { totpEmailRecoveryConfigFields } from './totp-email-recovery/totp-email-recovery-config.ts';
import { webhookConfigFields } from './webhooks/webhook-config.ts';

const {
  DATABASE_URL,
  INTERNAL_API_TOKEN,
  INTERNAL_API_TOKEN_PREVIOUS,
  INTERNAL_API_TOKEN_NEXT,
  PRINCIPAL_ASSERTION_KEY,
  PRINCIPAL_ASSERTION_KEY_PREVIOUS,
  PRINCIPAL_ASSERTION_KEY_NEXT,
  SESSION_REPLICAS,
  PUBLIC_ORIGIN,
  JWT_AUDIENCE,
  INSECURE_LOCAL_HTTP_COOKIES,
  TRUST_PROXY_HOPS,
} = sharedConfigFields;

export const orchestratorConfigSchema = Type.Object({
  ...serviceConfigFields(8082),
  /**
   * The application role (`authscale_app`), never the owner. Unset, node-postgres reads the
   * standard PGHOST/PGUSER/PGPASSWORD/... variables (as the AWS deployment provides them).
   */
  DATABASE_URL,
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  /**
   * Each new connection presents an RDS IAM authentication token for its host, port and user (signed
   * with the task's AWS credentials, for AWS_REGION) instead of a password: RDS Proxy with IAM
   * authentication required, as the AWS deployment sets it up. The connection comes from PGHOST,
   * PGPORT, PGUSER, PGDATABASE and PGSSLMODE; DATABASE_URL must be unset.
   */
  DATABASE_IAM_AUTH: Type.Boolean({ default: false }),
  INTERNAL_API_TOKEN,
  /** Accepted from callers too (never sent) while the token rotates, as are device cookies made under them. */
  INTERNAL_API_TOKEN_PREVIOUS,
  INTERNAL_API_TOKEN_NEXT,
  /** AWS keeps it as its own secret. */
  PRINCIPAL_ASSERTION_KEY,
  /** Assertions signed with these are accepted too while the key rotates. */
  PRINCIPAL_ASSERTION_KEY_PREVIOUS,
  PRINCIPAL_ASSERTION_KEY_NEXT,
  SESSION_REPLICAS,
  AWS_REGION: Type.String({ default: 'us-east-1', minLength: 1 }),
  /** Only for a local DynamoDB emulator; unset in AWS. */
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
  /** The token-records table (pk/sk, TTL on `expiresAt`). */
  TOKEN_TABLE_NAME: Type.String({ default: 'authscale-tokens', minLength: 3 }),
  REFRESH_TOKEN_LIFETIME_SECONDS: durationSeconds({ default: 30 * 24 * 3600, minimum: 3600 }),
  REFRESH_TOKEN_GRACE_SECONDS: durationSeconds({ default: 10, minimum: 0, maximum: 60 }),
  /** Consecutive failed sign-ins per account and client network (or device) before delays start (doubling, capped). */
  LOGIN_FREE_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
  /**
   * Consecutive failed sign-ins per account, from anywhere without a device cookie, before delays
   * start: the ceiling for guesses spread over many addresses.
   */
  LOGIN_ACCOUNT_FREE_ATTEMPTS: Type.Integer({ default: 50, minimum: 1, maximum: 10_000 }),
  LOGIN_MAX_DELAY_SECONDS: durationSeconds({ default: 900, minimum: 1, maximum: 86_400 }),
  PUBLIC_ORIGIN,
  JWT_AUDIENCE,
  /** A JWK Set (JSON) of ES256 keys; see docs/tokens.md for rotation. */
  JWT_SIGNING_KEYS: Type.Optional(Type.String({ minLength: 2 })),
  /** @default the first key of JWT_SIGNING_KEYS */
  JWT_ACTIVE_KID: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Development only: sign with a key generated at start-up. Every token dies with the process
   * and replicas disagree about keys, so production configuration refuses it.
   */
  INSECURE_EPHEMERAL_SIGNING_KEY: Type.Boolean({ default: false }),
  /** Never set in a deployment. */
  INSECURE_LOCAL_HTTP_COOKIES,
  /**
   * The edge replaces X-Forwarded-For with the client address it saw, so 1 behind the edge alone
   * (2 in AWS, where the Service Connect proxy sits between them).
   */
  TRUST_PROXY_HOPS,
  ...ceremonyConfigFields,
  ...mailConfigFields,
  ...emailCodeConfigFields,
  ...totpEmailRecoveryConfigFields,
  ...webhookConfigFields,
  ...hookConfigFields,
});

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;

/** TRUST_PROXY was a yes/no; the edge and the orchestrator now both count hops. */
const retired = { TRUST_PROXY: 'TRUST_PROXY_HOPS' };

export function loadOrchestratorConfig(values: Record<string, unknown>) {
  const config = loadConfig({ scope: 'orchestrator', schema: orchestratorConfigSchema, values, retired });
  if (config.DATABASE_IAM_AUTH && config.DATABASE_URL) {
    throw new ConfigError('orchestrator', [
      'DATABASE_IAM_AUTH: connects through PGHOST, PGPORT, PGUSER and PGDATABASE; unset DATABASE_URL',
    ]);
  }
  // An incomplete hook refuses the start: a sign-up or token rule silently not applied is worse.
  hookEndpointsFromConfig('orchestrator', config);
  return refuseMissingMailTransport('orchestrator', refuseInsecureSettingsOffLoopback('orchestrator', config));
}
