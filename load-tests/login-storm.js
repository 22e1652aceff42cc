// A login storm: sign-ins arriving at a rising rate (password hashing is the cost being measured).
//   k6 run -e PEAK_RATE=50 load-tests/login-storm.js
// The edge limits sign-ins per account and IP; run with many users, and raise the edge's limits for a
// storm from one load generator (see docs/load-testing.md).
import { check } from 'k6';
import { login, signup, uniqueEmail } from './lib/auth.js';
import { summaryTrendStats, summaryWriter } from './lib/config.js';

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
    'http_req_duration{name:POST /auth/login}': [`p(99)<${__ENV.P99_MS || 1000}`],
    checks: ['rate>0.999'],
  },
};

export function setup() {
  const emails = [];
  for (let i = 0; i < Number(__ENV.USERS || 100); i++) {
    const email = uniqueEmail('storm');
    signup(email);
    emails.push(email);
  }
  return { emails };
}

export default function ({ emails }) {
  const tokens = login(emails[Math.floor(Math.random() * emails.length)]);
  check(tokens, { 'signed in': (t) => Boolean(t?.accessToken) });
}

export const handleSummary = summaryWriter('login-storm');
