import { metrics } from '@opentelemetry/api';
import type { AuthErrorCode } from '../errors.ts';

/**
 * The domain's own metrics, every name and attribute in this one file. The meter is taken when
 * this module loads, which is after the preloaded SDK started (`start-telemetry.ts`); without the
 * SDK it is the API's no-op meter and each count below is an empty call.
 */
const meter = metrics.getMeter('@authscale/core');

/** The edge's near caches: the sessions it has seen, and the `GET /me` answers kept beside them. */
export type NearCacheName = 'edge.sessions' | 'edge.answers';
export type SignInMethod = 'password' | 'totp' | 'passkey' | 'oidc' | 'email_code' | 'email_link';
/** `mfa_required`: a correct first factor whose answer is a challenge, not yet a session. */
export type SignInOutcome = 'success' | 'mfa_required' | 'failure';
/** `per_ip` at the edge; `sign_in` per account at the edge; `login_throttle` in the orchestrator. */
export type RateLimitRule = 'per_ip' | 'sign_in' | 'login_throttle';
/** `grace`: a repeat inside the grace window, answered with the same successor. */
export type RefreshOutcome = 'rotated' | 'grace' | 'replayed' | 'session_ended' | 'invalid';

const nearCacheLookups = meter.createCounter('authscale.near_cache.lookups', {
  description: 'Near-cache lookups, by cache and whether they hit.',
  unit: '{lookup}',
});
const signInAttempts = meter.createCounter('authscale.sign_in.attempts', {
  description: 'Sign-in attempts, by method and outcome.',
  unit: '{attempt}',
});
const rateLimitRefusals = meter.createCounter('authscale.rate_limit.refusals', {
  description: 'Requests refused by a rate limit, by rule.',
  unit: '{request}',
});
const refreshTokenUses = meter.createCounter('authscale.refresh_token.uses', {
  description: 'Refresh-token presentations, by outcome: rotations, grace answers, detected replays.',
  unit: '{use}',
});
const refusals = meter.createCounter('authscale.http.refusals', {
  description: 'Requests answered with a 4xx, by error code: counted here instead of a log line each.',
  unit: '{request}',
});

export function countNearCacheLookup(cache: NearCacheName, hit: boolean): void {
  nearCacheLookups.add(1, { 'authscale.cache.name': cache, 'authscale.cache.result': hit ? 'hit' : 'miss' });
}

export function countSignInAttempt(method: SignInMethod, outcome: SignInOutcome): void {
  signInAttempts.add(1, { 'authscale.sign_in.method': method, 'authscale.sign_in.outcome': outcome });
}

export function countRateLimitRefusal(rule: RateLimitRule): void {
  rateLimitRefusals.add(1, { 'authscale.rate_limit.rule': rule });
}

export function countRefreshTokenUse(outcome: RefreshOutcome): void {
  refreshTokenUses.add(1, { 'authscale.refresh_token.outcome': outcome });
}

export function countRefusal(code: AuthErrorCode, status: number): void {
  refusals.add(1, { 'authscale.error.code': code, 'http.response.status_code': status });
}
