// The read-heavy mix of seed 000: 20 authenticated `GET /me` per sign-in, half by cookie (a seeded
// user's live session), half by bearer (the access token of this VU's latest sign-in).
//   k6 run -e VUS=50 -e DURATION=1m load-tests/read-heavy.js
import { check } from 'k6';
import exec from 'k6/execution';
import { login, logout, meWithBearer, meWithCookie } from './lib/auth.js';
import { summaryTrendStats } from './lib/config.js';
import { guarded, runThresholds, summaryWriter } from './lib/run-verdict.js';
import { prepareUsers, usersOf } from './lib/users.js';

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
    ...runThresholds,
    'http_req_duration{name:GET /me (cookie)}': [`p(99)<${__ENV.P99_MS || 50}`],
    'http_req_duration{name:GET /me (bearer)}': [`p(99)<${__ENV.P99_MS || 50}`],
    'http_req_duration{name:POST /auth/login}': [`p(99)<${__ENV.LOGIN_P99_MS || 1000}`],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  },
};

export function setup() {
  return prepareUsers(Number(__ENV.USERS || 20), 'reader');
}

// This VU's latest sign-in: its access token serves the bearer reads; it signs out before the next
// one, so users keep a steady number of sessions however long the run.
let signedIn;

export default guarded((data) => {
  const users = usersOf(data);
  const user = users[exec.scenario.iterationInTest % users.length];
  // The mix counts this VU's own iterations: the test-wide numbers of one process on a segment are
  // not a run of consecutive integers, so their remainders would skew its mix.
  const iteration = exec.vu.iterationInScenario;
  if (!signedIn || iteration % (readsPerLogin + 1) === 0) {
    if (signedIn) check(logout(signedIn.cookieHeader), { 'logout 204': (r) => r.status === 204 });
    signedIn = login(user.email);
    return;
  }
  const response = iteration % 2 === 0 ? meWithCookie(user.cookie) : meWithBearer(signedIn.accessToken);
  check(response, { '/me 200': (r) => r.status === 200 });
});

export const handleSummary = summaryWriter('read-heavy');
