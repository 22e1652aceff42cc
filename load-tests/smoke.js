// Smoke test: a few users walk the whole contract a few times. Run against the local stack or a deployed edge:
//   k6 run load-tests/smoke.js            (BASE_URL defaults to http://127.0.0.1:8080)
import { check } from 'k6';
import http from 'k6/http';
import { login, logout, meWithBearer, meWithCookie, refresh, signup, uniqueEmail } from './lib/auth.js';
import { baseUrl, summaryTrendStats } from './lib/config.js';
import { guarded, runThresholds, summaryWriter } from './lib/run-verdict.js';

export const options = {
  summaryTrendStats,
  // Per VU, so that each of N processes on execution segments walks it too (N <= VUS).
  scenarios: {
    walk: {
      executor: 'per-vu-iterations',
      vus: Number(__ENV.VUS || 2),
      iterations: Number(__ENV.ITERATIONS || 3),
    },
  },
  thresholds: {
    ...runThresholds,
    checks: ['rate==1'],
    // The 401s this script asks for are marked expected, so any failed request is a real one.
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(99)<500'],
  },
};

export default guarded(() => {
  check(http.get(`${baseUrl}/healthz`), { 'healthz 200': (r) => r.status === 200 });
  check(http.get(`${baseUrl}/readyz`), { 'readyz 200': (r) => r.status === 200 });
  check(http.get(`${baseUrl}/.well-known/jwks.json`), {
    'jwks has keys': (r) => r.status === 200 && r.json('keys').length > 0,
  });

  const email = uniqueEmail('smoke');
  signup(email);
  const tokens = login(email);
  check(tokens, { 'login returned tokens': (t) => Boolean(t?.accessToken && t?.refreshToken) });
  if (!tokens) return;

  check(meWithCookie(), { '/me by cookie 200': (r) => r.status === 200 && r.json('user.email') === email });
  check(meWithBearer(tokens.accessToken), { '/me by bearer 200': (r) => r.status === 200 });

  const rotated = refresh(tokens.refreshToken);
  check(rotated, { 'refresh 200': (r) => r.status === 200 && r.json('refreshToken') !== tokens.refreshToken });
  // A second tab refreshing the same token inside the grace window gets the same successor, never a second one.
  check(refresh(tokens.refreshToken), {
    'repeat inside the grace window: same successor': (r) =>
      r.status === 200 && r.json('refreshToken') === rotated.json('refreshToken'),
  });

  check(logout(), { 'logout 2xx': (r) => r.status >= 200 && r.status < 300 });
  check(meWithCookie(undefined, 401), { '/me after logout 401': (r) => r.status === 401 });
  check(meWithBearer(tokens.accessToken, 401), { 'JWT of a revoked session 401': (r) => r.status === 401 });
  check(refresh(rotated.json('refreshToken'), 401), {
    'refresh token of a revoked session 401': (r) => r.status === 401,
  });
  const garbage = { headers: { Authorization: 'Bearer not-a-jwt' }, responseCallback: http.expectedStatuses(401) };
  check(http.get(`${baseUrl}/me`, garbage), {
    'garbage bearer 401 with error shape': (r) => r.status === 401 && r.json('error.code') !== undefined,
  });
});

export const handleSummary = summaryWriter('smoke');
