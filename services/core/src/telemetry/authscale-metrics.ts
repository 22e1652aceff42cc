import { type Attributes, type MetricOptions, metrics } from '@opentelemetry/api';
import type { AuthErrorCode } from '../errors.ts';

/**
 * The domain's own metrics, every name and attribute in this one file. The meter is taken when
 * this module loads, which is after the preloaded SDK started (`start-telemetry.ts`); without the
 * SDK it is the API's no-op meter.
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
/** How a webhook delivery attempt was settled: `retry` comes due again after its back-off, `dead` never does. */
export type WebhookDeliveryOutcome = 'delivered' | 'retry' | 'dead';

/**
 * A count kept as plain numbers, one per attribute set, that the SDK reads when it collects (an
 * asynchronous counter, reporting the totals). A synchronous counter's `add` hashes its attributes
 * on every call: the two counts of the edge's near-cache hit cost about a tenth of its CPU. Without
 * the SDK the callback is never called and a count is a map lookup and an addition.
 */
function tally(name: string, options: MetricOptions) {
  const totals = new Map<string, { attributes: Attributes; value: number }>();
  meter.createObservableCounter(name, options).addCallback((result) => {
    for (const { attributes, value } of totals.values()) result.observe(value, attributes);
  });
  return {
    /** `key` names `attributes`, which are kept the first time it is counted. */
    add(key: string, attributes: Attributes) {
      const total = totals.get(key);
      if (total === undefined) totals.set(key, { attributes, value: 1 });
      else total.value += 1;
    },
  };
}

const nearCacheLookups = tally('authscale.near_cache.lookups', {
  description: 'Near-cache lookups, by cache and whether they hit.',
  unit: '{lookup}',
});
const signInAttempts = tally('authscale.sign_in.attempts', {
  description: 'Sign-in attempts, by method and outcome.',
  unit: '{attempt}',
});
const rateLimitRefusals = tally('authscale.rate_limit.refusals', {
  description: 'Requests refused by a rate limit, by rule.',
  unit: '{request}',
});
const refreshTokenUses = tally('authscale.refresh_token.uses', {
  description: 'Refresh-token presentations, by outcome: rotations, grace answers, detected replays.',
  unit: '{use}',
});
const refusals = tally('authscale.http.refusals', {
  description: 'Requests answered with a 4xx, by error code: counted here instead of a log line each.',
  unit: '{request}',
});

const webhookDeliveries = tally('authscale.webhook.deliveries', {
  description: 'Webhook delivery attempts settled by the dispatcher, by outcome: delivered, due again, dead-lettered.',
  unit: '{delivery}',
});

const lookupCount = (cache: NearCacheName, result: 'hit' | 'miss') => ({
  key: `${cache} ${result}`,
  attributes: { 'authscale.cache.name': cache, 'authscale.cache.result': result },
});
// Built once: a near-cache hit is the edge's hottest path, and it counts twice per request.
const nearCacheLookupCounts: Record<NearCacheName, Record<'hit' | 'miss', ReturnType<typeof lookupCount>>> = {
  'edge.sessions': { hit: lookupCount('edge.sessions', 'hit'), miss: lookupCount('edge.sessions', 'miss') },
  'edge.answers': { hit: lookupCount('edge.answers', 'hit'), miss: lookupCount('edge.answers', 'miss') },
};

export function countNearCacheLookup(cache: NearCacheName, hit: boolean): void {
  const { key, attributes } = nearCacheLookupCounts[cache][hit ? 'hit' : 'miss'];
  nearCacheLookups.add(key, attributes);
}

export function countSignInAttempt(method: SignInMethod, outcome: SignInOutcome): void {
  signInAttempts.add(`${method} ${outcome}`, {
    'authscale.sign_in.method': method,
    'authscale.sign_in.outcome': outcome,
  });
}

export function countRateLimitRefusal(rule: RateLimitRule): void {
  rateLimitRefusals.add(rule, { 'authscale.rate_limit.rule': rule });
}

export function countRefreshTokenUse(outcome: RefreshOutcome): void {
  refreshTokenUses.add(outcome, { 'authscale.refresh_token.outcome': outcome });
}

export function countRefusal(code: AuthErrorCode, status: number): void {
  refusals.add(`${code} ${status}`, { 'authscale.error.code': code, 'http.response.status_code': status });
}

export function countWebhookDelivery(outcome: WebhookDeliveryOutcome): void {
  webhookDeliveries.add(outcome, { 'authscale.webhook.outcome': outcome });
}

/** What a connection pool tells about itself (node-postgres's `Pool` has these three). */
export interface ObservablePool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * A pool's connections in use and idle, and the requests waiting for one, under the
 * semantic-convention names (`db.client.connection.count`, `...pending_requests`), read when the
 * SDK collects: a pool that keeps requests waiting shows it before their latency does.
 */
export function observeConnectionPool(poolName: string, pool: ObservablePool): void {
  const named = { 'db.client.connection.pool.name': poolName };
  const used = { ...named, 'db.client.connection.state': 'used' };
  const idle = { ...named, 'db.client.connection.state': 'idle' };
  meter
    .createObservableUpDownCounter('db.client.connection.count', {
      description: 'Connections in the pool, by state.',
      unit: '{connection}',
    })
    .addCallback((result) => {
      result.observe(pool.totalCount - pool.idleCount, used);
      result.observe(pool.idleCount, idle);
    });
  meter
    .createObservableUpDownCounter('db.client.connection.pending_requests', {
      description: 'Requests waiting for a connection of the pool.',
      unit: '{request}',
    })
    .addCallback((result) => result.observe(pool.waitingCount, named));
}

const revocationPropagation = meter.createHistogram('authscale.revocation.propagation', {
  description:
    "Time from a user's invalidation epoch moving (a revoke, a logout, a change to the user) to an edge hearing of it.",
  unit: 's',
  // Milliseconds matter here: the default buckets start at 5 (seconds, in this unit).
  advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
});

export function recordRevocationPropagation(milliseconds: number): void {
  revocationPropagation.record(milliseconds / 1000);
}

const webhookDeliveryLag = meter.createHistogram('authscale.webhook.delivery_lag', {
  description: "Time from an event's change committing to a receiver accepting it, retries included.",
  unit: 's',
  // From a first attempt within the poll interval (about a second) to the last retries hours later.
  advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 10800, 21600] },
});

/**
 * `milliseconds` from the event's `occurred_at` to the settle that recorded it delivered. Two hosts'
 * clocks: one a little behind the database's could make it negative, which counts as no lag.
 */
export function recordWebhookDeliveryLag(milliseconds: number): void {
  webhookDeliveryLag.record(Math.max(0, milliseconds) / 1000);
}
