import { durationMs, durationSeconds } from '@authscale/core';
import { Type } from 'typebox';

/** The orchestrator settings of webhook endpoints and their dispatcher (spread into its schema). */
export const webhookConfigFields = {
  /**
   * The event dispatcher's connection, as the `authscale_events` role: the outbox, the endpoints
   * and the deliveries, nothing else. Unset, the dispatcher reads the standard PG* variables.
   */
  EVENTS_DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** How long one delivery may take, connection included, before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: durationMs({ default: 10_000, minimum: 100, maximum: 60_000 }),
  /** Attempts per delivery, the first included; after the last one fails it is dead-lettered. */
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ default: 12, minimum: 1, maximum: 50 }),
  /** The wait after the first failure; each further failure doubles it (with jitter), up to the maximum. */
  WEBHOOK_RETRY_BASE_MS: durationMs({ default: 5_000, minimum: 1 }),
  WEBHOOK_RETRY_MAX_DELAY_MS: durationMs({ default: 6 * 3_600_000, minimum: 1 }),
  /** How often an idle dispatcher looks at the outbox. */
  WEBHOOK_POLL_INTERVAL_MS: durationMs({ default: 1_000, minimum: 10, maximum: 60_000 }),
  /**
   * How long an event stays in the outbox once every delivery of it is settled (delivered or
   * dead), for the deliveries listing; then the dispatcher deletes it.
   */
  WEBHOOK_RETENTION_SECONDS: durationSeconds({ default: 7 * 24 * 3600, minimum: 3600, maximum: 365 * 24 * 3600 }),
  /** How long a rotated-out secret keeps signing beside the new one. */
  WEBHOOK_SECRET_OVERLAP_SECONDS: durationSeconds({ default: 24 * 3600, minimum: 0, maximum: 7 * 24 * 3600 }),
  /** Local development and tests only: endpoints may be plain `http://` URLs. */
  INSECURE_WEBHOOK_HTTP: Type.Boolean({ default: false }),
  /**
   * Local development and tests only: deliveries may go to loopback, private and link-local
   * addresses. Off, an endpoint whose name resolves to one is refused at delivery (SSRF).
   */
  INSECURE_WEBHOOK_PRIVATE_ADDRESSES: Type.Boolean({ default: false }),
};
