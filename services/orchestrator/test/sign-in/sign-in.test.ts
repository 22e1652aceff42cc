import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyAccessToken } from '@authscale/core';
import { hash } from '@node-rs/argon2';
import { createLocalJWKSet } from 'jose';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

const password = 'a perfectly long passphrase';

describe('password sign-in, refresh, logout, /me and /api/projects', () => {
  let harness: Harness;
  let alice: { userId: string; tenantId: string };
  let bob: { userId: string; tenantId: string };

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    harness.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(payload),
      remoteAddress,
    });
  const login = (email: string, secret = password) => post('/auth/login', { email, password: secret });

  before(async () => {
    harness = await startOrchestrator({ graceSeconds: 10 });
    alice = (await post('/auth/signup', { email: 'alice@example.com', password })).json();
    bob = (await post('/auth/signup', { email: 'bob@example.com', password })).json();
  });
  after(() => harness.stop());

  it('signs in: tokens, a live session on the replicas and the session cookie', async () => {
    const response = await login('Alice@Example.com');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'sessionId']);
    assert.equal(body.expiresIn, 900);
    assert.equal(response.headers['cache-control'], 'no-store');

    const cookie =
      ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((header) => header.includes('_session=')) ??
      '';
    assert.match(
      cookie,
      /^__Host-authscale_session=[^;]+\.[^;]+; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );

    const jwks = createLocalJWKSet((await harness.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const claims = await verifyAccessToken({
      token: body.accessToken,
      keys: jwks,
      issuer: harness.config.PUBLIC_ORIGIN,
      audience: harness.config.JWT_AUDIENCE,
    });
    assert.deepEqual(
      [claims.sub, claims.sid, claims.tid, claims.amr, claims.acr],
      [alice.userId, body.sessionId, alice.tenantId, ['pwd'], 'aal1'],
    );
    const session = await harness.sessions.get(alice.userId, body.sessionId);
    assert.equal(session?.tenantId, alice.tenantId);
  });

  it('re-hashes a password stored with older parameters at the next sign-in', async () => {
    const weak = await hash(password, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const { userId } = await harness.identity.users.signUpWithPassword({
      email: 'dora@example.com',
      passwordHash: weak,
    });
    assert.equal((await login('dora@example.com')).statusCode, 200);
    const stored = await harness.identity.users.findPasswordLogin({ email: 'dora@example.com' });
    assert.equal(stored?.userId, userId);
    assert.match(stored?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal((await login('dora@example.com')).statusCode, 200);
  });

  it('gives unknown email and wrong password the same answer', async () => {
    const wrong = await login('alice@example.com', 'not the right passphrase');
    const unknown = await login('nobody@example.com', 'not the right passphrase');
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
    assert.deepEqual(wrong.json().error.code, 'invalid_credentials');
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  it('answers malformed login and refresh bodies with 400', async () => {
    for (const [url, payload] of [
      ['/auth/login', { email: 'alice@example.com' }],
      ['/auth/login', { email: 'alice@example.com', password: 12345678 }],
      ['/auth/token/refresh', {}],
      ['/auth/token/refresh', { refreshToken: 42 }],
      ['/auth/token/refresh', { refreshToken: 'x'.repeat(600) }],
    ] as const) {
      const response = await post(url, payload);
      assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)}`);
      assert.equal(response.json().error.code, 'invalid_request');
    }
  });

  it('GET /me returns the user and their role in the session tenant', async () => {
    const headers = await asPrincipal({ userId: alice.userId, tenantId: alice.tenantId });
    const response = await harness.app.inject({ method: 'GET', url: '/me', headers });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      user: { id: alice.userId, email: 'alice@example.com' },
      tenant: { id: alice.tenantId, role: 'owner' },
    });
  });

  it('keeps each tenant’s projects to itself', async () => {
    const asAlice = await asPrincipal({ userId: alice.userId, tenantId: alice.tenantId });
    const asBob = await asPrincipal({ userId: bob.userId, tenantId: bob.tenantId });
    const created = await post('/api/projects', { name: 'apollo' }, asAlice);
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().name, 'apollo');

    const mine = await harness.app.inject({ method: 'GET', url: '/api/projects', headers: asAlice });
    assert.deepEqual(
      mine.json().projects.map((project: { name: string }) => project.name),
      ['apollo'],
    );
    const theirs = await harness.app.inject({ method: 'GET', url: '/api/projects', headers: asBob });
    assert.deepEqual(theirs.json(), { projects: [] });

    // Naming Alice's tenant does not get Bob in, for reading or writing.
    const intrude = { ...asBob, 'x-tenant-id': alice.tenantId };
    const read = await harness.app.inject({ method: 'GET', url: '/api/projects', headers: intrude });
    const write = await post('/api/projects', { name: 'sneaky' }, intrude);
    assert.equal(read.statusCode, 403);
    assert.equal(write.statusCode, 403);
    const after = await harness.app.inject({ method: 'GET', url: '/api/projects', headers: asAlice });
    assert.equal(after.json().projects.length, 1);
  });

  it('answers malformed project bodies with 400', async () => {
    const asAlice = await asPrincipal({ userId: alice.userId, tenantId: alice.tenantId });
    for (const payload of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { name: 'a\u0000b' },
      { name: '\u0000' },
      { name: 'ok', tenantId: bob.tenantId },
    ]) {
      const response = await post('/api/projects', payload, asAlice);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
    }
    // Spaces around a visible character, tabs and non-Latin letters are all names.
    for (const name of [' a ', 'x\ty', 'проект']) {
      assert.equal((await post('/api/projects', { name }, asAlice)).statusCode, 201, name);
    }
  });

  it('refresh rotates, and concurrent refreshes of one token all get the same successor', async () => {
    const first = (await login('bob@example.com')).json();
    const rotated = await post('/auth/token/refresh', { refreshToken: first.refreshToken });
    assert.equal(rotated.statusCode, 200);
    const pair = rotated.json();
    assert.notEqual(pair.refreshToken, first.refreshToken);
    assert.notEqual(pair.accessToken, first.accessToken);
    assert.equal(pair.sessionId, first.sessionId);

    const racing = await Promise.all(
      Array.from({ length: 8 }, () => post('/auth/token/refresh', { refreshToken: pair.refreshToken })),
    );
    assert.deepEqual(
      racing.map((response) => response.statusCode),
      Array(8).fill(200),
    );
    assert.equal(new Set(racing.map((response) => response.json().refreshToken)).size, 1);
  });

  it('a replay after the grace window answers 401 and revokes the family and the session', async () => {
    const first = (await login('bob@example.com')).json();
    const next = (await post('/auth/token/refresh', { refreshToken: first.refreshToken })).json();
    harness.clock.offsetMs = 11_000;
    try {
      const replay = await post('/auth/token/refresh', { refreshToken: first.refreshToken });
      assert.equal(replay.statusCode, 401);
      assert.equal(replay.json().error.code, 'unauthenticated');
      const legitimate = await post('/auth/token/refresh', { refreshToken: next.refreshToken });
      assert.equal(legitimate.statusCode, 401);
      assert.equal(await harness.sessions.get(bob.userId, first.sessionId), null);
      // The line the RefreshReplayed alarm's metric filter counts (infra/stacks/services-stack.ts).
      const replayed = harness.logLines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.event === 'refresh.replayed');
      assert.equal(replayed.length, 1);
      assert.equal(replayed[0].userId, bob.userId);
      assert.equal(replayed[0].level, 40);
    } finally {
      harness.clock.offsetMs = 0;
    }
  });

  it('refresh reuse inside the grace window: a spent successor makes its predecessor a replay', async () => {
    const t0 = (await login('bob@example.com')).json();
    const t1 = (await post('/auth/token/refresh', { refreshToken: t0.refreshToken })).json();
    const t2 = await post('/auth/token/refresh', { refreshToken: t1.refreshToken });
    assert.equal(t2.statusCode, 200);
    const replay = await post('/auth/token/refresh', { refreshToken: t0.refreshToken });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'unauthenticated');
    assert.equal((await post('/auth/token/refresh', { refreshToken: t2.json().refreshToken })).statusCode, 401);
    assert.equal(await harness.sessions.get(bob.userId, t0.sessionId), null);
  });

  it('logout revokes the session and its refresh tokens and clears the cookie', async () => {
    const tokens = (await login('alice@example.com')).json();
    const headers = await asPrincipal({ userId: alice.userId, sessionId: tokens.sessionId, tenantId: alice.tenantId });
    const response = await harness.app.inject({ method: 'POST', url: '/auth/logout', headers });
    assert.equal(response.statusCode, 204);
    assert.match(String(response.headers['set-cookie']), /^__Host-authscale_session=; .*Max-Age=0$/);
    assert.equal(await harness.sessions.get(alice.userId, tokens.sessionId), null);
    const refresh = await post('/auth/token/refresh', { refreshToken: tokens.refreshToken });
    assert.equal(refresh.statusCode, 401);
  });

  it('a session revoked elsewhere (revoke-all, password change) ends its refresh tokens', async () => {
    const tokens = (await login('alice@example.com')).json();
    await harness.sessions.revoke(alice.userId, tokens.sessionId);
    const refresh = await post('/auth/token/refresh', { refreshToken: tokens.refreshToken });
    assert.equal(refresh.statusCode, 401);
  });

  it('throttles consecutive failures per account with 429 and Retry-After, unknown emails alike', async () => {
    await post('/auth/signup', { email: 'carol@example.com', password });
    for (const email of ['carol@example.com', 'ghost@example.com']) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        assert.equal((await login(email, 'wrong passphrase here')).statusCode, 401);
      }
      const throttled = await login(email);
      assert.equal(throttled.statusCode, 429);
      assert.equal(throttled.json().error.code, 'rate_limited');
      assert.equal(throttled.headers['retry-after'], '1');
    }
    harness.clock.offsetMs = 1_000;
    try {
      assert.equal((await login('carol@example.com')).statusCode, 200);
      // The success reset the count: a typo afterwards is an ordinary 401.
      assert.equal((await login('carol@example.com', 'typo passphrase')).statusCode, 401);
    } finally {
      harness.clock.offsetMs = 0;
    }
  });

  it('targeted lockout: wrong guesses from one address leave the owner on another address signing in', async () => {
    await post('/auth/signup', { email: 'dave@example.com', password });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      assert.equal((await login('dave@example.com', 'wrong passphrase here')).statusCode, 401);
    }
    assert.equal((await login('dave@example.com')).statusCode, 429);
    const owner = await post('/auth/login', { email: 'dave@example.com', password }, {}, '127.0.0.2');
    assert.equal(owner.statusCode, 200);
  });

  it('a device that signed in before passes the account-wide ceiling that spread-out guesses reach', async () => {
    await post('/auth/signup', { email: 'erin@example.com', password });
    const first = await post('/auth/login', { email: 'erin@example.com', password }, {}, '10.0.0.1');
    const deviceCookie = ([] as string[])
      .concat(first.headers['set-cookie'] ?? [])
      .map((cookie) => cookie.split(';')[0] as string)
      .find((pair) => pair.startsWith('__Host-authscale_device='));
    assert.ok(deviceCookie, 'a correct password earns a device cookie');
    assert.match(
      String(first.headers['set-cookie']),
      /__Host-authscale_device=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict/,
    );
    // Guesses from more addresses than the account-wide ceiling allows: 50 by default, and the
    // sign-in above counted as one of them.
    for (let guess = 0; guess < 49; guess += 1) {
      const wrong = { email: 'erin@example.com', password: 'wrong passphrase here' };
      assert.equal((await post('/auth/login', wrong, {}, `10.1.${guess}.1`)).statusCode, 401);
    }
    assert.equal((await post('/auth/login', { email: 'erin@example.com', password }, {}, '10.2.0.1')).statusCode, 429);
    const fromDevice = await post(
      '/auth/login',
      { email: 'erin@example.com', password },
      { cookie: deviceCookie },
      '10.2.0.2',
    );
    assert.equal(fromDevice.statusCode, 200);
    // A device cookie whose signature does not check out is no exemption.
    const forged = deviceCookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    assert.equal(
      (await post('/auth/login', { email: 'erin@example.com', password }, { cookie: forged }, '10.2.0.3')).statusCode,
      429,
    );
  });

  it('logout without a principal is 401', async () => {
    const response = await harness.app.inject({ method: 'POST', url: '/auth/logout' });
    assert.equal(response.statusCode, 401);
  });
});
