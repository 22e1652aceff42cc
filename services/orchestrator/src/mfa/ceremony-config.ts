import { durationSeconds } from '@authscale/core';
import { Type } from 'typebox';

/** The orchestrator settings the passkey, TOTP and OIDC ceremonies read (spread into its schema). */
export const ceremonyConfigFields = {
  /** The WebAuthn RP ID. @default the host of PUBLIC_ORIGIN */
  WEBAUTHN_RP_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  WEBAUTHN_RP_NAME: Type.String({ default: 'authscale', minLength: 1, maxLength: 64 }),
  /**
   * Origins the browser may report, comma-separated. Not only web origins: an Android app reports
   * `android:apk-key-hash:...`. @default [PUBLIC_ORIGIN]
   */
  WEBAUTHN_ORIGINS: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  /**
   * The secret TOTP seeds are sealed under (>= 32 characters; the AES-256 key is derived from it
   * with HKDF). In AWS: a Secrets Manager secret encrypted with the deployment's KMS key.
   */
  TOTP_ENCRYPTION_KEY: Type.String({ minLength: 32 }),
  TOTP_ENCRYPTION_KEY_ID: Type.String({ default: 'k1', pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  /** Retired keys that still open old seeds during a rotation: `id:secret,id:secret`. @default [] */
  TOTP_PREVIOUS_ENCRYPTION_KEYS: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}:.+$' }), { default: [] }),
  TOTP_ISSUER: Type.String({ default: 'authscale', minLength: 1, maxLength: 64 }),
  /** A JSON array of OpenID providers (see docs/oidc.md). @default [] */
  OIDC_PROVIDERS: Type.String({ default: '[]' }),
  /** How long a sign-in or step-up counts as recent for sensitive actions. @default 300 */
  STEP_UP_TTL_SECONDS: durationSeconds({ default: 300, minimum: 30, maximum: 3600 }),
};
