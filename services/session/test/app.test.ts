import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { startPostgres } from '@authscale/testkit';
import { buildSessionApp, loadSessionConfig } from '../src/index.ts';

const internalToken = randomBytes(32).toString('base64url');
const auth = { authorization: `Bearer ${internalToken}` };

describe('session replica internal API', () => {
  let app: Awaited<ReturnType<typeof buildSessionApp>>;
  before(async () => {
    app = await buildSessionApp(loadSessionConfig({ LOG_LEVEL: 'silent', INTERNAL_API_TOKEN: internalToken }));
  });
  after(() => app.close());

  const create = async (userId = randomUUID()) => {
    const response = await app.inject({
      method: 'POST',
      url: '/internal/sessions',
      headers: auth,
      payload: { userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1', ip: '198.51.100.1' },
    });
    assert.equal(response.statusCode, 201);
    return response.json() as { token: string; session: { sid: string; userId: string } };
  };

  it('answers the health routes without credentials', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().checks, { store: 'ok' });
  });

  it('refuses every internal route without the bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: internalToken }]) {
      for (const [method, url] of [
        ['POST', '/internal/sessions'],
        ['POST', '/internal/sessions/validate'],
        ['GET', `/internal/users/${randomUUID()}/sessions`],
        ['DELETE', `/internal/users/${randomUUID()}/sessions`],
      ] as const) {
        const response = await app.inject({ method, url, headers, payload: method === 'POST' ? {} : undefined });
        assert.equal(response.statusCode, 401, `${method} ${url}`);
        assert.equal(response.json().error.code, 'unauthenticated');
      }
    }
  });

  it("accepts the token's previous and next values while it rotates, and a replica given only one refuses the other", async () => {
    const [previous, next] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    const list = (replica: typeof app, token: string) =>
      replica.inject({
        method: 'GET',
        url: `/internal/users/${randomUUID()}/sessions`,
        headers: { authorization: `Bearer ${token}` },
      });
    const rotating = await buildSessionApp(
      loadSessionConfig({
        LOG_LEVEL: 'silent',
        INTERNAL_API_TOKEN: internalToken,
        INTERNAL_API_TOKEN_PREVIOUS: previous,
        INTERNAL_API_TOKEN_NEXT: next,
      }),
    );
    try {
      for (const token of [internalToken, previous, next]) assert.equal((await list(rotating, token)).statusCode, 200);
      assert.equal((await list(rotating, randomBytes(32).toString('base64url'))).statusCode, 401);
      // Without the rotation settings, a replica answers only callers that hold its one value.
      assert.equal((await list(app, previous)).statusCode, 401);
      assert.equal((await list(app, next)).statusCode, 401);
    } finally {
      await rotating.close();
    }
  });

  it('creates, validates, reads, lists and revokes a session', async () => {
    const { token, session } = await create();
    assert.equal(token.startsWith(`${session.userId}.`), true);
    const validate = () =>
      app.inject({ method: 'POST', url: '/internal/sessions/validate', headers: auth, payload: { token } });
    assert.deepEqual((await validate()).json().session, session);
    const one = `/internal/users/${session.userId}/sessions/${session.sid}`;
    assert.deepEqual((await app.inject({ method: 'GET', url: one, headers: auth })).json(), { session });
    const list = await app.inject({ method: 'GET', url: `/internal/users/${session.userId}/sessions`, headers: auth });
    assert.deepEqual(list.json(), { sessions: [session] });
    assert.equal((await app.inject({ method: 'DELETE', url: one, headers: auth })).statusCode, 204);
    assert.equal((await app.inject({ method: 'DELETE', url: one, headers: auth })).statusCode, 204, 'idempotent');
    const gone = await app.inject({ method: 'GET', url: one, headers: auth });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error.code, 'not_found');
    const refused = await validate();
    assert.equal(refused.statusCode, 401);
    assert.deepEqual(refused.json(), { error: { code: 'unauthenticated', message: 'Authentication is required.' } });
  });

  it('revokes all sessions of a user', async () => {
    const userId = randomUUID();
    await create(userId);
    await create(userId);
    const url = `/internal/users/${userId}/sessions`;
    assert.deepEqual((await app.inject({ method: 'DELETE', url, headers: auth })).json(), { revoked: 2 });
    assert.deepEqual((await app.inject({ method: 'GET', url, headers: auth })).json(), { sessions: [] });
  });

  it('answers bad input with a 400 and the stable error shape', async () => {
    const cases: Array<{
      method: 'GET' | 'POST' | 'DELETE';
      url: string;
      payload?: string | Record<string, unknown>;
      headers?: Record<string, string>;
    }> = [
      { method: 'POST', url: '/internal/sessions', payload: { userId: 'a{b}', tenantId: 't', amr: ['pwd'], acr: 'x' } },
      { method: 'POST', url: '/internal/sessions', payload: { userId: 'u', tenantId: 't', amr: [], acr: 'x' } },
      {
        method: 'POST',
        url: '/internal/sessions',
        payload: { userId: 'u', tenantId: 't', amr: ['pwd'], acr: 'x', email: 'e' },
      },
      { method: 'POST', url: '/internal/sessions/validate', payload: { token: 42 } },
      {
        method: 'POST',
        url: '/internal/sessions/validate',
        payload: 'not json',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'GET', url: '/internal/users/u/sessions/short' },
      { method: 'DELETE', url: `/internal/users/${'x'.repeat(65)}/sessions` },
    ];
    for (const { method, url, payload, headers: extra } of cases) {
      const headers = { ...auth, ...extra };
      const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
      assert.equal(response.statusCode, 400, `${method} ${url}`);
      assert.equal(response.json().error.code, 'invalid_request');
    }
  });

  it('treats a garbage token as unauthenticated, not as an error', async () => {
    for (const token of ['', 'x', 'a.b', `${randomUUID()}.${'A'.repeat(43)}`]) {
      const response = await app.inject({
        method: 'POST',
        url: '/internal/sessions/validate',
        headers: auth,
        payload: { token },
      });
      assert.equal(response.statusCode, 401);
    }
  });
});

it('session config requires an internal API token of at least 32 characters', () => {
  assert.throws(() => loadSessionConfig({}), ConfigError);
  assert.throws(() => loadSessionConfig({ INTERNAL_API_TOKEN: 'short' }), ConfigError);
});

it('session config refuses the durations renamed to _SECONDS under their old names', () => {
  assert.throws(
    () => loadSessionConfig({ INTERNAL_API_TOKEN: internalToken, SESSION_IDLE_TTL_S: '900' }),
    (error: unknown) =>
      error instanceof ConfigError && error.problems.some((problem) => problem.includes('SESSION_IDLE_TTL_SECONDS')),
  );
  assert.equal(
    loadSessionConfig({ INTERNAL_API_TOKEN: internalToken, SESSION_IDLE_TTL_SECONDS: '900' }).SESSION_IDLE_TTL_SECONDS,
    900,
  );
});

it('answers 503 dependency_unavailable, never a 500, when the store goes away', async () => {
  const postgres = await startPostgres();
  const app = await buildSessionApp(
    loadSessionConfig({
      LOG_LEVEL: 'silent',
      INTERNAL_API_TOKEN: internalToken,
      SESSION_BACKEND: 'postgres',
      DATABASE_URL: postgres.url,
    }),
  );
  try {
    const payload = { userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' };
    const created = await app.inject({ method: 'POST', url: '/internal/sessions', headers: auth, payload });
    assert.equal(created.statusCode, 201);
    await postgres.stop();
    const validate = await app.inject({
      method: 'POST',
      url: '/internal/sessions/validate',
      headers: auth,
      payload: { token: created.json().token },
    });
    assert.equal(validate.statusCode, 503);
    assert.deepEqual(validate.json(), {
      error: { code: 'dependency_unavailable', message: 'A dependency is unavailable.' },
    });
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
  } finally {
    await app.close();
    await postgres.stop();
  }
});
