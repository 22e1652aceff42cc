// The read-heavy mix of seed 000: 20 authenticated requests per sign-in.
//   k6 run -e VUS=50 -e DURATION=1m load-tests/read-heavy.js
import { check } from 'k6';
import { login, meWithBearer, meWithCookie, signup, uniqueEmail } from './lib/auth.js';
import { summaryTrendStats, summaryWriter } from './lib/config.js';

const readsPerLogin = Number(__ENV.READS_PER_LOGIN || 20);

export const options = {
  summaryTrendStats,
  scenarios: {
    mix: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS || 20),
      duration: __ENV.DURATION || '30s',
    },
  },
  thresholds: {
    'http_req_duration{name:GET /me (cookie)}': [`p(99)<${__ENV.P99_MS || 50}`],
    'http_req_duration{name:GET /me (bearer)}': [`p(99)<${__ENV.P99_MS || 50}`],
    http_req_failed: ['rate<0.001'],
  },
};

export function setup() {
  const emails = [];
  for (let i = 0; i < Number(__ENV.USERS || 50); i++) {
    const email = uniqueEmail('reader');
    signup(email);
    emails.push(email);
  }
  return { emails };
}

export default function ({ emails }) {
  const tokens = login(emails[(__VU + __ITER) % emails.length]);
  if (!tokens) return;
  for (let i = 0; i < readsPerLogin; i++) {
    const response = i % 2 === 0 ? meWithCookie() : meWithBearer(tokens.accessToken);
    check(response, { '/me 200': (r) => r.status === 200 });
  }
}

export const handleSummary = summaryWriter('read-heavy');
