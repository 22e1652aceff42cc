// Refresh-token rotation under load: each VU signs in once, then keeps rotating its refresh token.
//   k6 run -e VUS=20 -e DURATION=30s load-tests/refresh-rotation.js
import { check } from 'k6';
import { login, refresh, signup, uniqueEmail } from './lib/auth.js';
import { summaryTrendStats, summaryWriter } from './lib/config.js';

export const options = {
  summaryTrendStats,
  scenarios: {
    rotate: { executor: 'constant-vus', vus: Number(__ENV.VUS || 10), duration: __ENV.DURATION || '30s' },
  },
  thresholds: {
    'http_req_duration{name:POST /auth/token/refresh}': [`p(99)<${__ENV.P99_MS || 100}`],
    checks: ['rate==1'],
  },
};

let refreshToken;

export default function () {
  if (!refreshToken) {
    const email = uniqueEmail('rotator');
    signup(email);
    refreshToken = login(email)?.refreshToken;
    if (!refreshToken) return;
  }
  const response = refresh(refreshToken);
  const rotated = check(response, {
    'refresh 200': (r) => r.status === 200,
    'a new refresh token every time': (r) => r.status === 200 && r.json('refreshToken') !== refreshToken,
  });
  refreshToken = rotated ? response.json('refreshToken') : undefined;
}

export const handleSummary = summaryWriter('refresh-rotation');
