// A login storm: sign-ins arriving at a rising rate (password hashing is the cost being measured).
//   k6 run -e PEAK_RATE=50 load-tests/login-storm.js
// The edge limits sign-ins per account and IP; run with many users, and raise the edge's limits for a
// storm from one load generator (see docs/load-testing.md).
import { check } from 'k6';
import { login } from './lib/auth.js';
import { summaryTrendStats } from './lib/config.js';
import { guarded, runThresholds, summaryWriter } from './lib/run-verdict.js';
import { prepareUsers, usersOf } from './lib/users.js';

const peak = Number(__ENV.PEAK_RATE || 20);

export const options = {
  summaryTrendStats,
  scenarios: {
    storm: {
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: peak * 2,
      stages: [
        { target: peak, duration: __ENV.RAMP || '20s' },
        { target: peak, duration: __ENV.HOLD || '20s' },
      ],
    },
  },
  thresholds: {
    ...runThresholds,
    'http_req_duration{name:POST /auth/login}': [`p(99)<${__ENV.P99_MS || 1000}`],
    checks: ['rate>0.999'],
    // Arrivals k6 could not start because every VU was busy: the target fell behind the storm.
    dropped_iterations: ['count==0'],
  },
};

export function setup() {
  return prepareUsers(Number(__ENV.USERS || 20), 'storm');
}

export default guarded((data) => {
  const users = usersOf(data);
  const tokens = login(users[Math.floor(Math.random() * users.length)].email);
  check(tokens, { 'signed in': (t) => Boolean(t?.accessToken) });
});

export const handleSummary = summaryWriter('login-storm');
