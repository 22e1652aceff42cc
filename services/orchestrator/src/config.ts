import { loadConfig, serviceConfigFields } from '@authscale/core';
import { Type } from 'typebox';
import { ceremonyConfigFields } from './mfa/ceremony-config.ts';

export const orchestratorConfigSchema = Type.Object({
  ...serviceConfigFields(8082),
  /**
   * The application role (`authscale_app`), never the owner. Unset, node-postgres reads the
   * standard PGHOST/PGUSER/PGPASSWORD/... variables (as the AWS deployment provides them).
   */
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  /** Shared with the edge and the session replicas; at least 32 characters. */
  INTERNAL_API_TOKEN: Type.String({ minLength: 32 }),
  /**
   * The secret behind the edge's principal assertions, when it is not derived from
   * INTERNAL_API_TOKEN (AWS keeps it as its own secret). At least 32 characters.
   */
  PRINCIPAL_ASSERTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  /** Comma-separated base URLs of the session replicas. */
  SESSION_REPLICAS: Type.String({ minLength: 1 }),
  AWS_REGION: Type.String({ default: 'us-east-1', minLength: 1 }),
  /** Only for a local DynamoDB emulator; unset in AWS. */
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
  /** The token-records table (pk/sk, TTL on `expiresAt`). */
  TOKEN_TABLE_NAME: Type.String({ default: 'authscale-tokens', minLength: 3 }),
  REFRESH_TOKEN_LIFETIME_SECONDS: Type.Integer({ default: 30 * 24 * 3600, minimum: 3600 }),
  REFRESH_TOKEN_GRACE_SECONDS: Type.Integer({ default: 10, minimum: 0, maximum: 60 }),
  /** Consecutive failed sign-ins per account and client network (or device) before delays start (doubling, capped). */
  LOGIN_FREE_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
  /**
   * Consecutive failed sign-ins per account, from anywhere without a device cookie, before delays
   * start: the ceiling for guesses spread over many addresses.
   */
  LOGIN_ACCOUNT_FREE_ATTEMPTS: Type.Integer({ default: 50, minimum: 1, maximum: 10_000 }),
  LOGIN_MAX_DELAY_SECONDS: Type.Integer({ default: 900, minimum: 1, maximum: 86_400 }),
  /** The public origin (the edge); the `iss` of every access token. */
  PUBLIC_ORIGIN: Type.String({ default: 'http://127.0.0.1:8080', minLength: 1 }),
  JWT_AUDIENCE: Type.String({ default: 'authscale-api', minLength: 1 }),
  /** A JWK Set (JSON) of ES256 keys; see docs/tokens.md for rotation. */
  JWT_SIGNING_KEYS: Type.Optional(Type.String({ minLength: 2 })),
  /** @default the first key of JWT_SIGNING_KEYS */
  JWT_ACTIVE_KID: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Development only: sign with a key generated at start-up. Every token dies with the process
   * and replicas disagree about keys, so production configuration refuses it.
   */
  INSECURE_EPHEMERAL_SIGNING_KEY: Type.Boolean({ default: false }),
  /**
   * Local development over plain HTTP only: the session cookie loses its `__Host-` prefix and
   * Secure flag (the edge must be told the same). Never set in a deployment.
   */
  INSECURE_LOCAL_HTTP_COOKIES: Type.Boolean({ default: false }),
  /** Read the client address from X-Forwarded-For (behind the edge/ALB). @default false */
  TRUST_PROXY: Type.Boolean({ default: false }),
  ...ceremonyConfigFields,
});

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;

export function loadOrchestratorConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'orchestrator', schema: orchestratorConfigSchema, values });
}
