import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { derivePrincipalKey, sessionCookieName, verifyPrincipal } from '@authscale/core';
import { freePort } from '@authscale/testkit';
import { type AccessTokenIssuer, accessTokenIssuer, claimsFor } from './fixtures/access-tokens.ts';
import { startEchoUpstream } from './fixtures/echo-upstream.ts';
import { allowedOrigin, startEdge } from './fixtures/edge-harness.ts';
import { type SessionLayer, startSessionLayer } from './fixtures/session-layer.ts';

const newUser = () => `u${randomUUID()}`;

let sessionLayer: SessionLayer;
before(async () => {
  sessionLayer = await startSessionLayer();
});
after(() => sessionLayer.stop());

describe('edge', () => {
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let tokens: AccessTokenIssuer;

  before(async () => {
    tokens = await accessTokenIssuer();
    upstream = await startEchoUpstream({ jwks: tokens.jwks });
    edge = await startEdge({ orchestratorUrl: upstream.url, sessionLayer, env: { RATE_LIMIT_SIGN_IN_MAX: '3' } });
  });
  after(async () => {
    await edge.app.close();
    await upstream.close();
  });

  it('answers /healthz, and /readyz once the orchestrator, a session replica and Redis answer', async () => {
    const health = await edge.app.inject({ url: '/healthz' });
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await edge.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().checks, { orchestrator: 'ok', sessionReplicas: 'ok', rateLimitRedis: 'ok' });
  });

  it('counts health probes against the per-IP limit, so a /readyz flood cannot multiply into dependency probes', async () => {
    const probed = await startEdge({
      orchestratorUrl: upstream.url,
      sessionLayer,
      env: { RATE_LIMIT_PER_IP_MAX: '2' },
    });
    try {
      const statuses = [];
      for (const url of ['/healthz', '/readyz', '/readyz', '/healthz']) {
        statuses.push((await probed.app.inject({ url })).statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 429, 429]);
    } finally {
      await probed.app.close();
    }
  });

  it('forwards a public sign-in request with its body, without a principal', async () => {
    const response = await edge.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'a@example.test', password: 'correct horse battery staple' },
    });
    assert.equal(response.statusCode, 200);
    const echo = response.json();
    assert.equal(echo.url, '/auth/signup');
    assert.deepEqual(echo.body, { email: 'a@example.test', password: 'correct horse battery staple' });
    assert.equal(echo.headers['x-authscale-principal'], undefined);
  });

  it('forwards the OpenAPI document without credentials', async () => {
    const response = await edge.app.inject({ url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().url, '/openapi.json');
    assert.equal(response.json().headers['x-authscale-principal'], undefined);
  });

  it('forwards an authenticated request with a principal, and drops client-sent x-authscale-* headers', async () => {
    const { token, session } = await sessionLayer.create(newUser());
    const response = await edge.app.inject({
      url: '/me?x=1',
      cookies: { [sessionCookieName]: token },
      headers: { 'x-authscale-principal': 'forged', 'x-authscale-tenant': 'forged', 'x-request-id': 'req-12345678' },
    });
    assert.equal(response.statusCode, 200);
    const echo = response.json();
    assert.equal(echo.url, '/me?x=1');
    const principal = await verifyPrincipal({
      assertion: echo.headers['x-authscale-principal'],
      key: derivePrincipalKey(sessionLayer.internalToken),
    });
    assert.equal(principal?.userId, session.userId);
    assert.equal(principal?.sessionId, session.sid);
    assert.equal(principal?.kind, 'session');
    assert.equal(echo.headers['x-authscale-tenant'], undefined);
    assert.equal(echo.headers['x-request-id'], 'req-12345678');
    assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('forwards a bearer request; refuses an expired or foreign-audience JWT, and cookie and JWT once the session is revoked', async () => {
    const { token, session } = await sessionLayer.create(newUser());
    const jwt = await tokens.sign(claimsFor(session));
    const withBearer = await edge.app.inject({ url: '/me', headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(withBearer.statusCode, 200);
    const principal = await verifyPrincipal({
      assertion: withBearer.json().headers['x-authscale-principal'],
      key: derivePrincipalKey(sessionLayer.internalToken),
    });
    assert.equal(principal?.kind, 'jwt');

    for (const bad of [
      await tokens.sign(claimsFor(session), { expiresIn: '-1m' }),
      await tokens.sign(claimsFor(session), { aud: 'someone-else' }),
    ]) {
      const refused = await edge.app.inject({ url: '/me', headers: { authorization: `Bearer ${bad}` } });
      assert.equal(refused.statusCode, 401);
    }

    await sessionLayer.revoke(session.userId, session.sid);
    const cookieAfter = await edge.app.inject({ url: '/me', cookies: { [sessionCookieName]: token } });
    assert.equal(cookieAfter.statusCode, 401);
    const bearerAfter = await edge.app.inject({ url: '/me', headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(bearerAfter.statusCode, 401);
    assert.equal(bearerAfter.json().error.code, 'unauthenticated');
  });

  it('refuses unauthenticated requests to protected routes without reaching the orchestrator', async () => {
    const before = upstream.received.length;
    for (const [method, url] of [
      ['GET', '/me'],
      ['GET', '/api/projects'],
      ['GET', '/auth/sessions'],
      ['POST', '/auth/logout'],
      ['GET', '/nowhere'],
      ['GET', '/auth/passkeys'],
      ['DELETE', '/auth/passkeys/AAAA'],
      ['DELETE', '/auth/totp'],
      ['POST', '/auth/totp/recovery-codes'],
      ['PUT', '/auth/password'],
      ['PUT', '/auth/email'],
      ['POST', '/auth/step-up/passkey/options'],
      ['POST', '/auth/step-up/passkey/verify'],
    ] as const) {
      const response = await edge.app.inject({ method, url });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      assert.equal(response.json().error.code, 'unauthenticated');
    }
    assert.equal(upstream.received.length, before);
  });

  it('answers a public path asked with another method 405 with Allow, and forwards other methods signed in', async () => {
    const before = upstream.received.length;
    for (const [method, url, allow] of [
      ['GET', '/auth/login', 'POST'],
      ['TRACE', '/auth/signup', 'POST'],
      ['QUERY', '/auth/token/refresh', 'POST'],
      ['DELETE', '/.well-known/jwks.json', 'GET, HEAD'],
      ['PUT', '/auth/oidc/github/start', 'GET, HEAD'],
      ['TRACE', '/healthz', 'GET, HEAD'],
      ['POST', '/readyz', 'GET, HEAD'],
    ] as const) {
      const response = await edge.app.inject({ method, url, headers: { origin: allowedOrigin } });
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.equal(response.headers.allow, allow, `${method} ${url}`);
      assert.equal(response.json().error.code, 'method_not_allowed');
    }
    // A path that needs a signed-in user says nothing about itself to a caller without credentials.
    for (const [method, url] of [
      ['POST', '/me'],
      ['TRACE', '/api/projects'],
    ] as const) {
      assert.equal((await edge.app.inject({ method, url })).statusCode, 401, `${method} ${url}`);
    }
    assert.equal(upstream.received.length, before);
    const { token } = await sessionLayer.create(newUser());
    const signedIn = { cookies: { [sessionCookieName]: token }, headers: { origin: allowedOrigin } };
    const me = await edge.app.inject({ method: 'POST', url: '/me', ...signedIn });
    assert.equal(me.statusCode, 405);
    assert.equal(me.headers.allow, 'GET, HEAD');
    // Under the forwarded prefixes the orchestrator knows each path's methods, so it answers.
    const traced = await edge.app.inject({ method: 'TRACE', url: '/api/projects', ...signedIn });
    assert.equal(traced.json().method, 'TRACE');
    // A QUERY without a body goes on as it came (Fastify would refuse it 400 for want of a content type).
    const queried = await edge.app.inject({ method: 'QUERY', url: '/api/projects', ...signedIn });
    assert.equal(queried.statusCode, 405, 'the upstream serves no QUERY');
    assert.equal(upstream.received.at(-1)?.method, 'QUERY');
  });

  it('serves the demo page without credentials', async () => {
    const page = await edge.app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.match(String(page.headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/);
  });

  it('puts the API security headers on every answer, and lets an answer that may be cached say so', async () => {
    const refused = await edge.app.inject({ url: '/me' });
    const forwarded = await edge.app.inject({ method: 'POST', url: '/auth/signup', payload: {} });
    assert.deepEqual([refused.statusCode, forwarded.statusCode], [401, 200]);
    for (const response of [refused, forwarded]) {
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.match(String(response.headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/);
    }
    const keys = await edge.app.inject({ url: '/.well-known/jwks.json' });
    assert.equal(keys.headers['cache-control'], 'public, max-age=300');
  });

  it('refuses a cookie-authenticated change with a foreign or missing Origin', async () => {
    const { token } = await sessionLayer.create(newUser());
    for (const headers of [{ origin: 'https://evil.example' }, {}]) {
      const response = await edge.app.inject({
        method: 'POST',
        url: '/api/projects',
        cookies: { [sessionCookieName]: token },
        headers,
        payload: { name: 'p' },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'forbidden');
    }
    const allowed = await edge.app.inject({
      method: 'POST',
      url: '/api/projects',
      cookies: { [sessionCookieName]: token },
      headers: { origin: allowedOrigin },
      payload: { name: 'p' },
    });
    assert.equal(allowed.statusCode, 200);
  });

  it('answers the N+1th login attempt for one account with 429 and Retry-After', async () => {
    const email = `${randomUUID()}@example.test`;
    const attempt = (address: string) =>
      edge.app.inject({ method: 'POST', url: '/auth/login', payload: { email: address, password: 'wrong' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(email)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await attempt(email.toUpperCase());
    assert.equal(limited.statusCode, 429, 'the account is the normalised email');
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const otherAccount = await attempt(`${randomUUID()}@example.test`);
    assert.equal(otherAccount.statusCode, 200);
  });

  it('limits the mailed-link routes per target address or token and IP: invitations, email change', async () => {
    const { token } = await sessionLayer.create(newUser());
    const signedIn = { cookies: { [sessionCookieName]: token }, headers: { origin: allowedOrigin } };
    const tenant = randomUUID();
    const invite = (email: string) =>
      edge.app.inject({
        method: 'POST',
        url: `/api/tenants/${tenant}/invitations`,
        ...signedIn,
        payload: { email, role: 'member' },
      });
    const target = `${randomUUID()}@example.test`;
    const invited = [];
    for (let i = 0; i < 4; i++) invited.push((await invite(i === 3 ? target.toUpperCase() : target)).statusCode);
    assert.deepEqual(invited, [200, 200, 200, 429]);
    assert.equal((await invite(`${randomUUID()}@example.test`)).statusCode, 200, 'another address');
    const listing = await edge.app.inject({ url: `/api/tenants/${tenant}/invitations`, ...signedIn });
    assert.equal(listing.statusCode, 200, 'listing is not counted with inviting');
    const revoke = await edge.app.inject({
      method: 'DELETE',
      url: `/api/tenants/${tenant}/invitations/${randomUUID()}`,
      ...signedIn,
    });
    assert.equal(revoke.statusCode, 200, 'revoking is forwarded as before');

    for (const [method, url, field] of [
      ['PUT', '/auth/email', 'email'],
      ['POST', '/auth/email/change', 'token'],
      ['POST', '/api/invitations/accept', 'token'],
    ] as const) {
      const value = field === 'email' ? `${randomUUID()}@example.test` : randomUUID().replaceAll('-', '');
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await edge.app.inject({ method, url, ...signedIn, payload: { [field]: value } })).statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429], `${method} ${url}`);
    }
  });

  it('limits a request for a verification link per user, from any address, with the sign-in limiter', async () => {
    const [alice, bob] = [await sessionLayer.create(newUser()), await sessionLayer.create(newUser())];
    const ask = (token: string, remoteAddress: string) =>
      edge.app.inject({
        method: 'POST',
        url: '/auth/email/verify/request',
        cookies: { [sessionCookieName]: token },
        headers: { origin: allowedOrigin },
        remoteAddress,
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask(alice.token, `127.0.3.${i}`)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429], 'a new address does not reset the count');
    assert.equal((await ask(bob.token, '127.0.3.0')).statusCode, 200, 'another user has a count of their own');
  });

  it('limits mailed-code requests and guesses per account and address, the code and the link alike', async () => {
    const email = `${randomUUID()}@example.test`;
    const send = (url: string, payload: object, remoteAddress = '127.0.4.1') =>
      edge.app.inject({ method: 'POST', url, payload, remoteAddress });
    for (const [url, payload] of [
      ['/auth/email-code/request', { email }],
      ['/auth/email-code/verify', { email, code: '123456' }],
      ['/auth/email-code/verify', { token: 'a'.repeat(43) }],
      ['/auth/totp/email-recovery/request', { email }],
      ['/auth/totp/email-recovery/confirm', { token: 'b'.repeat(43) }],
    ] as const) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(url, payload)).statusCode);
      assert.deepEqual(statuses, [200, 200, 200, 429], url);
      assert.equal((await send(url, payload, '127.0.4.2')).statusCode, 200, `${url} from another address`);
    }
  });

  it('validates the fields the edge reads', async () => {
    const response = await edge.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 42 } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'invalid_request');
    const provider = await edge.app.inject({ url: '/auth/oidc/Not_A_Provider!/start' });
    assert.equal(provider.statusCode, 400);
  });
});

describe('edge per-IP rate limit', () => {
  it('answers the N+1th request from one address with 429', async () => {
    const upstream = await startEchoUpstream();
    const edge = await startEdge({ orchestratorUrl: upstream.url, sessionLayer, env: { RATE_LIMIT_PER_IP_MAX: '2' } });
    const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await edge.app.inject({ url: '/.well-known/jwks.json', remoteAddress })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    await edge.app.close();
    await upstream.close();
  });

  it('refuses nothing from an exempt network, per IP or per account, and limits every other', async () => {
    const upstream = await startEchoUpstream();
    const octet = Math.floor(Math.random() * 250);
    const edge = await startEdge({
      orchestratorUrl: upstream.url,
      sessionLayer,
      env: { RATE_LIMIT_PER_IP_MAX: '2', RATE_LIMIT_SIGN_IN_MAX: '2', RATE_LIMIT_EXEMPT_CIDRS: `10.${octet}.0.0/24` },
    });
    const email = `${randomUUID()}@example.test`;
    const statusesFrom = async (remoteAddress: string) => {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const login = await edge.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email, password: 'wrong' },
          remoteAddress,
        });
        statuses.push(login.statusCode);
      }
      return statuses;
    };
    assert.deepEqual(await statusesFrom(`10.${octet}.0.9`), [200, 200, 200, 200]);
    assert.deepEqual(await statusesFrom(`::ffff:10.${octet}.0.10`), [200, 200, 200, 200], 'IPv4 over an IPv6 socket');
    assert.deepEqual(await statusesFrom(`10.${octet}.1.9`), [200, 200, 429, 429], 'outside the network');
    await edge.app.close();
    await upstream.close();
  });

  it('counts requests that fail authentication too, so guessing credentials is limited', async () => {
    const upstream = await startEchoUpstream();
    const edge = await startEdge({ orchestratorUrl: upstream.url, sessionLayer, env: { RATE_LIMIT_PER_IP_MAX: '2' } });
    const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.8`;
    const guesses = [
      { cookie: `authscale_session=guess.${'A'.repeat(43)}` },
      { authorization: 'Bearer not.a.jwt' },
      { cookie: `__Host-authscale_session=guess.${'B'.repeat(43)}` },
    ];
    const statuses = [];
    for (const headers of guesses) {
      statuses.push((await edge.app.inject({ url: '/me', headers, remoteAddress })).statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
    await edge.app.close();
    await upstream.close();
  });
});

describe('edge while the signing keys cannot be fetched', () => {
  it('answers a bearer request 503, not 401, so clients do not sign their users out', async () => {
    const tokens = await accessTokenIssuer();
    const upstream = await startEchoUpstream();
    const edge = await startEdge({
      orchestratorUrl: upstream.url,
      sessionLayer,
      jwksUrl: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`,
    });
    const { session } = await sessionLayer.create(newUser());
    const response = await edge.app.inject({
      url: '/me',
      headers: { authorization: `Bearer ${await tokens.sign(claimsFor(session))}` },
    });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'dependency_unavailable');
    await edge.app.close();
    await upstream.close();
  });
});

describe('edge without a rate-limit Redis (one-process mode)', () => {
  it('counts in the process and is ready without Redis', async () => {
    const upstream = await startEchoUpstream();
    const edge = await startEdge({
      orchestratorUrl: upstream.url,
      sessionLayer,
      redisUrls: [],
      env: { RATE_LIMIT_SIGN_IN_MAX: '1' },
    });
    const ready = await edge.app.inject({ url: '/readyz' });
    assert.deepEqual(ready.json().checks, { orchestrator: 'ok', sessionReplicas: 'ok' });
    const login = () =>
      edge.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'one@example.test', password: 'x' } });
    assert.equal((await login()).statusCode, 200);
    assert.equal((await login()).statusCode, 429);
    await edge.app.close();
    await upstream.close();
  });
});
