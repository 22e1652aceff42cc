import { check, fail } from 'k6';
import http from 'k6/http';
import { baseUrl, origin, password } from './config.js';

const json = { 'Content-Type': 'application/json', Origin: origin };

// Random, not built from __VU/__ITER: setup() has no iteration, and N processes on execution
// segments number their VUs alike.
export function uniqueEmail(prefix = 'k6') {
  return `${prefix}-${crypto.randomUUID()}@load.test`;
}

export function signup(email) {
  const response = http.post(`${baseUrl}/auth/signup`, JSON.stringify({ email, password }), {
    headers: json,
    tags: { name: 'POST /auth/signup' },
  });
  if (!check(response, { 'signup 201': (r) => r.status === 201 })) fail(`signup answered ${response.status}`);
  return response.json();
}

/** Signs in; the session cookie lands in this VU's cookie jar, the tokens are returned. */
export function login(email) {
  const response = http.post(`${baseUrl}/auth/login`, JSON.stringify({ email, password }), {
    headers: json,
    tags: { name: 'POST /auth/login' },
  });
  check(response, { 'login 200': (r) => r.status === 200 });
  if (response.status !== 200) return undefined;
  // The session cookie, as a Cookie header, for requests made outside this VU's cookie jar.
  const [name, values] =
    Object.entries(response.cookies).find(([cookie]) => cookie.endsWith('authscale_session')) ?? [];
  return { ...response.json(), cookieHeader: name ? `${name}=${values[0].value}` : undefined };
}

/** Request params that count `status` as the expected answer in `http_req_failed` (e.g. 401 after logout). */
function expecting(status) {
  return status ? { responseCallback: http.expectedStatuses(status) } : {};
}

/** `GET /me` with this VU's cookie jar, or with an explicit Cookie header taken from `login()`. */
export function meWithCookie(cookieHeader, expectedStatus) {
  const params = { tags: { name: 'GET /me (cookie)' }, ...expecting(expectedStatus) };
  if (cookieHeader) Object.assign(params, { headers: { Cookie: cookieHeader }, jar: new http.CookieJar() });
  return http.get(`${baseUrl}/me`, params);
}

export function meWithBearer(accessToken, expectedStatus) {
  return http.get(`${baseUrl}/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    tags: { name: 'GET /me (bearer)' },
    jar: new http.CookieJar(),
    ...expecting(expectedStatus),
  });
}

export function refresh(refreshToken, expectedStatus) {
  return http.post(`${baseUrl}/auth/token/refresh`, JSON.stringify({ refreshToken }), {
    headers: json,
    tags: { name: 'POST /auth/token/refresh' },
    jar: new http.CookieJar(),
    ...expecting(expectedStatus),
  });
}

/** Signs out the session in this VU's cookie jar, or the one of an explicit Cookie header taken from `login()`. */
export function logout(cookieHeader) {
  const params = { headers: { Origin: origin }, tags: { name: 'POST /auth/logout' } };
  // k6 empties a VU's cookie jar at each iteration: a sign-in kept across iterations brings its cookie.
  if (cookieHeader)
    Object.assign(params, { headers: { Origin: origin, Cookie: cookieHeader }, jar: new http.CookieJar() });
  return http.post(`${baseUrl}/auth/logout`, null, params);
}
