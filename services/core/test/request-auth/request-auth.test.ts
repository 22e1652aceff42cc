import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuthError,
  createService,
  insecureLocalHttpSessionCookie,
  type RequestAuthApiKey,
  type RequestAuthOptions,
  requestAuth,
  sessionCookieName,
} from '../../src/index.ts';
import { accessTokenKit, sessionTable } from './fixtures.ts';

type Kit = Awaited<ReturnType<typeof accessTokenKit>>;

async function appWith(options: RequestAuthOptions) {
  const app = await createService({ name: 'test', logLevel: 'silent' });
  await app.register(requestAuth, options);
  app.get('/whoami', async (request) => ({ user: request.user }));
  app.get('/open', { config: { public: true } }, async (request) => ({ user: request.user }));
  await app.ready();
  return app;
}

describe('requestAuth', () => {
  let kit: Kit;
  const sessions = sessionTable();
  let app: Awaited<ReturnType<typeof appWith>>;

  before(async () => {
    kit = await accessTokenKit();
    app = await appWith({ ...sessions, verifyAccessToken: kit.verify });
  });
  after(() => app.close());

  const claimsFor = (session: ReturnType<typeof sessions.create>['session']) => ({
    sub: session.userId,
    sid: session.sid,
    tid: session.tenantId,
    amr: session.amr,
    acr: session.acr,
    auth_time: Math.floor(session.authTime / 1000),
  });

  it('attaches the user of a valid session cookie', async () => {
    const { token, session } = sessions.create('user-cookie');
    const response = await app.inject({ url: '/whoami', cookies: { [sessionCookieName]: token } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().user, {
      id: 'user-cookie',
      sessionId: session.sid,
      tenantId: 'tenant-of-user-cookie',
      amr: ['pwd'],
      acr: 'aal1',
      authTime: Math.floor(session.authTime / 1000),
      kind: 'session',
    });
  });

  it('finds the session cookie among other cookies, and refuses a Cookie header it cannot read', async () => {
    const { token } = sessions.create('user-among-cookies');
    const among = await app.inject({
      url: '/whoami',
      headers: { cookie: `theme=dark; ${sessionCookieName}=${token}; consent=%7B%7D` },
    });
    assert.equal(among.statusCode, 200);
    assert.equal(among.json().user.id, 'user-among-cookies');
    for (const header of [';;;', `=${token}`, `${sessionCookieName}`, `${sessionCookieName}=%E0%A4%A`]) {
      const response = await app.inject({ url: '/whoami', headers: { cookie: header } });
      assert.equal(response.statusCode, 401, header);
      assert.equal(response.json().error.code, 'unauthenticated');
    }
  });

  it('refuses an unknown, malformed or revoked session cookie with 401', async () => {
    const { token } = sessions.create('user-revoked');
    sessions.revoke(token);
    for (const value of [token, 'garbage', `user.${'A'.repeat(43)}`, '']) {
      const response = await app.inject({ url: '/whoami', cookies: { [sessionCookieName]: value } });
      assert.equal(response.statusCode, 401, value);
      assert.equal(response.json().error.code, 'unauthenticated');
    }
  });

  it('refuses a request without credentials, and ignores the cookie under its plain-HTTP name', async () => {
    const { token } = sessions.create('user-wrong-name');
    const none = await app.inject({ url: '/whoami' });
    assert.equal(none.statusCode, 401);
    // RFC 9110 section 15.5.2: a 401 names a scheme to authenticate with, here without a token error.
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="authscale"');
    const wrongName = await app.inject({ url: '/whoami', cookies: { authscale_session: token } });
    assert.equal(wrongName.statusCode, 401);
  });

  it('attaches the user of a valid bearer JWT', async () => {
    const { session } = sessions.create('user-bearer');
    const jwt = await kit.sign(claimsFor(session));
    const response = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().user.id, 'user-bearer');
    assert.equal(response.json().user.kind, 'jwt');
    assert.equal(response.json().user.sessionId, session.sid);
  });

  it('refuses an expired JWT, a JWT for another audience and a JWT whose session was revoked', async () => {
    const { token, session } = sessions.create('user-bad-jwt');
    const expired = await kit.sign(claimsFor(session), { expiresIn: '-1m' });
    const otherAudience = await kit.sign(claimsFor(session), { aud: 'someone-else' });
    const revoked = await kit.sign(claimsFor(session));
    sessions.revoke(token);
    for (const jwt of [expired, otherAudience, revoked]) {
      const response = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${jwt}` } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'unauthenticated');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="authscale", error="invalid_token"');
    }
  });

  it('accepts a JWT of a revoked session when the revocation check is switched off', async () => {
    const lenient = await appWith({ ...sessions, verifyAccessToken: kit.verify, checkJwtRevocation: false });
    const { token, session } = sessions.create('user-lenient');
    const jwt = await kit.sign(claimsFor(session));
    sessions.revoke(token);
    const response = await lenient.inject({ url: '/whoami', headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(response.statusCode, 200);
    await lenient.close();
  });

  it('refuses a bad Authorization header even when a valid cookie is present', async () => {
    const { token, session } = sessions.create('user-both');
    const jwt = await kit.sign(claimsFor(session));
    const accepted = await app.inject({ url: '/whoami', headers: { authorization: `bearer ${jwt}` } });
    assert.equal(accepted.statusCode, 200, 'the scheme is case-insensitive');
    for (const authorization of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer ',
      'Bearer a.b.c',
      'Bearer x y',
      `Bearer  ${jwt}`,
      `Bearer ${jwt} ${jwt}`,
      `Bearer ${jwt}.`,
      `Token ${jwt}`,
    ]) {
      const response = await app.inject({
        url: '/whoami',
        headers: { authorization },
        cookies: { [sessionCookieName]: token },
      });
      assert.equal(response.statusCode, 401, authorization.slice(0, 20));
    }
  });

  it('lets public routes through without credentials and without reading them', async () => {
    const response = await app.inject({ url: '/open', headers: { authorization: 'Bearer nonsense' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { user: null });
  });

  it('passes a session-layer outage on as its own error, not as 401', async () => {
    const down = await appWith({
      ...sessions,
      verifyAccessToken: kit.verify,
      validateSessionToken: async () => {
        throw new AuthError('dependency_unavailable');
      },
    });
    const { token } = sessions.create('user-outage');
    const response = await down.inject({ url: '/whoami', cookies: { [sessionCookieName]: token } });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'dependency_unavailable');
    await down.close();
  });

  it('reads the plain-HTTP cookie name only in the explicitly named local mode', async () => {
    const local = await appWith({
      ...sessions,
      verifyAccessToken: kit.verify,
      sessionCookie: insecureLocalHttpSessionCookie(),
    });
    const { token } = sessions.create('user-local');
    const response = await local.inject({ url: '/whoami', cookies: { authscale_session: token } });
    assert.equal(response.statusCode, 200);
    const secureName = await local.inject({ url: '/whoami', cookies: { [sessionCookieName]: token } });
    assert.equal(secureName.statusCode, 401);
    await local.close();
  });

  it('fails at registration with a prefixed message when an option is missing', async () => {
    const app = await createService({ name: 'test', logLevel: 'silent' });
    await assert.rejects(async () => {
      await app.register(requestAuth, { ...sessions, verifyAccessToken: undefined } as unknown as RequestAuthOptions);
    }, /authscale-request-auth: option "verifyAccessToken" must be a function/);
  });

  describe('API keys', () => {
    const live = new Map<string, RequestAuthApiKey>();
    const asked: string[] = [];
    const liveKey = `ask_${'k'.repeat(43)}`;
    live.set(liveKey, { keyId: 'ak_0123456789abcdef', tenantId: 'tenant-k', scopes: ['projects:read'] });
    // Stands in for the key owner's internal verify API; it records what reached it.
    const verifyApiKey = async (key: string) => {
      asked.push(key);
      return live.get(key) ?? null;
    };

    it('attaches an API key as a caller of its tenant with its scopes, asking on every request', async () => {
      const keyed = await appWith({ ...sessions, verifyAccessToken: kit.verify, verifyApiKey });
      asked.length = 0;
      for (let i = 0; i < 2; i++) {
        const response = await keyed.inject({ url: '/whoami', headers: { authorization: `Bearer ${liveKey}` } });
        assert.equal(response.statusCode, 200);
        assert.deepEqual(response.json().user, {
          id: 'ak_0123456789abcdef',
          sessionId: 'ak_0123456789abcdef',
          tenantId: 'tenant-k',
          amr: [],
          acr: 'api_key',
          authTime: 0,
          kind: 'api_key',
          scopes: ['projects:read'],
        });
      }
      assert.equal(asked.length, 2, 'nothing is cached, so a revocation applies to the next request');
      await keyed.close();
    });

    it('refuses unknown and malformed keys with 401, asking only about well-formed ones', async () => {
      const keyed = await appWith({ ...sessions, verifyAccessToken: kit.verify, verifyApiKey });
      asked.length = 0;
      for (const key of [`ask_${'u'.repeat(43)}`, 'ask_short', `ask_${'k'.repeat(44)}`, `ask_${'!'.repeat(43)}`]) {
        const response = await keyed.inject({ url: '/whoami', headers: { authorization: `Bearer ${key}` } });
        assert.equal(response.statusCode, 401, key);
        assert.match(String(response.headers['www-authenticate']), /invalid_token/);
      }
      assert.deepEqual(asked, [`ask_${'u'.repeat(43)}`]);
      await keyed.close();
    });

    it('refuses every key when no verifier is configured, and passes a key-owner outage on as its own error', async () => {
      const response = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${liveKey}` } });
      assert.equal(response.statusCode, 401);
      const down = await appWith({
        ...sessions,
        verifyAccessToken: kit.verify,
        verifyApiKey: async () => {
          throw new AuthError('dependency_timeout');
        },
      });
      const outage = await down.inject({ url: '/whoami', headers: { authorization: `Bearer ${liveKey}` } });
      assert.equal(outage.statusCode, 504);
      await down.close();
    });
  });
});
