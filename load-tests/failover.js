// Steady authenticated reads while a companion script kills a session replica or a Redis primary:
//   npm run stack                                                  (in one terminal)
//   k6 run load-tests/failover.js & npx tsx load-tests/kill.ts session-replica   (or redis-primary)
// Zero failed requests is the threshold: the edge retries a failed session read on the next replica,
// and the session tier rides a Redis Cluster failover.
import { check } from 'k6';
import { login, meWithCookie, signup, uniqueEmail } from './lib/auth.js';
import { summaryTrendStats, summaryWriter } from './lib/config.js';

export const options = {
  summaryTrendStats,
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 200),
      timeUnit: '1s',
      duration: __ENV.DURATION || '20s',
      preAllocatedVUs: 50,
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  const email = uniqueEmail('failover');
  signup(email);
  const session = login(email);
  if (!session?.cookieHeader) throw new Error('sign-in failed; is the stack running?');
  return { cookieHeader: session.cookieHeader };
}

export default function ({ cookieHeader }) {
  check(meWithCookie(cookieHeader), { '/me 200 during failover': (r) => r.status === 200 });
}

export const handleSummary = summaryWriter('failover');
