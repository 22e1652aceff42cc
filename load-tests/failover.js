// Steady authenticated reads while a companion script kills a session replica or a Redis primary.
// `npm run loadtest -- --profile failover` does both on a stack of its own; by hand:
//   npm run stack                                                  (in one terminal)
//   k6 run load-tests/failover.js & npx tsx load-tests/kill.ts session-replica   (or redis-primary)
// Zero failed requests is the threshold: the edge retries a failed session read on the next replica,
// and the session tier rides a Redis Cluster failover.
import { check } from 'k6';
import exec from 'k6/execution';
import { meWithCookie } from './lib/auth.js';
import { summaryTrendStats } from './lib/config.js';
import { guarded, runThresholds, summaryWriter } from './lib/run-verdict.js';
import { prepareUsers, usersOf } from './lib/users.js';

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
    ...runThresholds,
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  return prepareUsers(Number(__ENV.USERS || 10), 'failover');
}

export default guarded((data) => {
  const users = usersOf(data);
  const { cookie } = users[exec.scenario.iterationInTest % users.length];
  check(meWithCookie(cookie), { '/me 200 during failover': (r) => r.status === 200 });
});

export const handleSummary = summaryWriter('failover');
