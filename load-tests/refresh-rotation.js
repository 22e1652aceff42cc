// Refresh-token rotation under load: refreshes arrive at RATE a second (an open model, so latency is
// measured below saturation rather than as the queue of a closed loop); each VU holds one user's
// refresh token and rotates it on every iteration.
//   k6 run -e RATE=20 -e DURATION=30s load-tests/refresh-rotation.js
import { check } from 'k6';
import exec from 'k6/execution';
import { refresh } from './lib/auth.js';
import { summaryTrendStats } from './lib/config.js';
import { guarded, runThresholds, summaryWriter } from './lib/run-verdict.js';
import { prepareUsers, usersOf } from './lib/users.js';

const rate = Number(__ENV.RATE || 20);
// Enough VUs that arrivals never wait for one; each needs a user of its own (a token is one chain).
const maxVUs = Number(__ENV.MAX_VUS || 20);

export const options = {
  summaryTrendStats,
  scenarios: {
    rotate: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Math.min(maxVUs, 10),
      maxVUs,
    },
  },
  thresholds: {
    ...runThresholds,
    // Locally each refresh costs about 19 ms of CPU over the processes of one machine (docs/load-testing.md),
    // so the tail is that machine's CPU queue; a deployment is held to its own target with P99_MS.
    'http_req_duration{name:POST /auth/token/refresh}': [`p(99)<${__ENV.P99_MS || 500}`],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
  },
};

export function setup() {
  return prepareUsers(Number(__ENV.USERS || maxVUs), 'rotator');
}

let refreshToken;

export default guarded((data) => {
  if (!refreshToken) {
    // idInTest is unique across every process of a segmented run: no two VUs rotate one chain.
    const users = usersOf(data);
    const index = exec.vu.idInTest - 1;
    if (index >= users.length) throw new Error(`more VUs than users (${users.length}): seed more or lower MAX_VUS`);
    refreshToken = users[index].refreshToken;
  }
  const response = refresh(refreshToken);
  const rotated = check(response, {
    'refresh 200': (r) => r.status === 200,
    'a new refresh token every time': (r) => r.status === 200 && r.json('refreshToken') !== refreshToken,
  });
  if (rotated) refreshToken = response.json('refreshToken');
  else throw new Error(`refresh answered ${response.status}; this VU's chain is broken`);
});

export const handleSummary = summaryWriter('refresh-rotation');
