export type {
  NearCacheName,
  ObservablePool,
  RateLimitRule,
  RefreshOutcome,
  SignInMethod,
  SignInOutcome,
} from './authscale-metrics.ts';
export {
  countNearCacheLookup,
  countRateLimitRefusal,
  countRefreshTokenUse,
  countRefusal,
  countSignInAttempt,
  observeConnectionPool,
  recordRevocationPropagation,
} from './authscale-metrics.ts';
export { flushTelemetry } from './flush-telemetry.ts';
export { telemetryWanted } from './telemetry-wanted.ts';
export { traceLogFields } from './trace-log-fields.ts';
