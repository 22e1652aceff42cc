export type {
  NearCacheName,
  ObservablePool,
  RateLimitRule,
  RefreshOutcome,
  SignInMethod,
  SignInOutcome,
  WebhookDeliveryOutcome,
} from './authscale-metrics.ts';
export {
  countNearCacheLookup,
  countRateLimitRefusal,
  countRefreshTokenUse,
  countRefusal,
  countSignInAttempt,
  countWebhookDelivery,
  observeConnectionPool,
  recordRevocationPropagation,
  recordWebhookDeliveryLag,
} from './authscale-metrics.ts';
export { flushTelemetry } from './flush-telemetry.ts';
export { telemetryWanted } from './telemetry-wanted.ts';
export { traceLogFields } from './trace-log-fields.ts';
