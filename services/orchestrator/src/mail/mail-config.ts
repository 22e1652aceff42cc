import { durationMs, durationSeconds, smtpUrl } from '@authscale/core';
import { Type } from 'typebox';

/** The orchestrator's outbound mail settings (docs/email.md). */
export const mailConfigFields = {
  /** Send through this SMTP server (`smtp://user:pass@host:587`, `smtps://...`). */
  SMTP_URL: Type.Optional(smtpUrl()),
  /** Send through Amazon SES v2 in this region, with the task's AWS credentials. */
  SES_REGION: Type.Optional(Type.String({ minLength: 1 })),
  /** The SES configuration set to send with (event publishing, suppression). */
  SES_CONFIGURATION_SET: Type.Optional(Type.String({ minLength: 1 })),
  /** @default `no-reply@` and the host of PUBLIC_ORIGIN */
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3 })),
  /** How many times one message is tried before it is given up (and logged). */
  MAIL_SEND_ATTEMPTS: Type.Integer({ default: 3, minimum: 1, maximum: 10 }),
  /** The first pause between two attempts; it doubles after each. */
  MAIL_RETRY_DELAY_MS: durationMs({ default: 1000, maximum: 60_000 }),
  EMAIL_VERIFICATION_LIFETIME_SECONDS: durationSeconds({ default: 24 * 3600, minimum: 60, maximum: 7 * 24 * 3600 }),
  PASSWORD_RESET_LIFETIME_SECONDS: durationSeconds({ default: 30 * 60, minimum: 60, maximum: 24 * 3600 }),
  /** How long a link that confirms a new address works; the account keeps its old one until then. */
  EMAIL_CHANGE_LIFETIME_SECONDS: durationSeconds({ default: 60 * 60, minimum: 60, maximum: 24 * 3600 }),
  /** How long an invitation to a tenant can be accepted. */
  INVITATION_LIFETIME_SECONDS: durationSeconds({ default: 7 * 24 * 3600, minimum: 3600, maximum: 30 * 24 * 3600 }),
};
