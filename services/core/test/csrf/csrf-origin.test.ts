import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createService, csrfOrigin, requestAuth, sessionCookieName } from '../../src/index.ts';
import { accessTokenKit, sessionTable } from '../request-auth/fixtures.ts';

const allowedOrigin = 'https://app.example.test';

describe('csrfOrigin', () => {
  const sessions = sessionTable();
  let kit: Awaited<ReturnType<typeof accessTokenKit>>;
  let app: Awaited<ReturnType<typeof createService>>;

  before(async () => {
    kit = await accessTokenKit();
    app = await createService({ name: 'test', logLevel: 'silent' });
    await app.register(requestAuth, { ...sessions, verifyAccessToken: kit.verify });
    await app.register(csrfOrigin, { allowedOrigins: [allowedOrigin] });
    app.post('/change', async () => ({ changed: true }));
    app.get('/read', async () => ({ read: true }));
    app.post('/sign-in', { config: { public: true } }, async () => ({ signedIn: true }));
    await app.ready();
  });
  after(() => app.close());

  it('lets a cookie-authenticated change through from an allowed Origin', async () => {
    const { token } = sessions.create('user-ok');
    const response = await app.inject({
      method: 'POST',
      url: '/change',
      headers: { origin: allowedOrigin },
      cookies: { [sessionCookieName]: token },
    });
    assert.equal(response.statusCode, 200);
  });

  it('refuses a cookie-authenticated change with a foreign, null or missing Origin', async () => {
    const { token } = sessions.create('user-csrf');
    for (const origin of ['https://evil.example', 'null', `${allowedOrigin}.evil.example`, undefined]) {
      const response = await app.inject({
        method: 'POST',
        url: '/change',
        headers: origin === undefined ? {} : { origin },
        cookies: { [sessionCookieName]: token },
      });
      assert.equal(response.statusCode, 403, String(origin));
      assert.equal(response.json().error.code, 'forbidden');
    }
  });

  it('leaves safe methods alone', async () => {
    const { token } = sessions.create('user-read');
    const response = await app.inject({
      url: '/read',
      headers: { origin: 'https://evil.example' },
      cookies: { [sessionCookieName]: token },
    });
    assert.equal(response.statusCode, 200);
  });

  it('exempts bearer requests, which carry no ambient credential', async () => {
    const { session } = sessions.create('user-bearer');
    const jwt = await kit.sign({
      sub: session.userId,
      sid: session.sid,
      tid: session.tenantId,
      amr: session.amr,
      acr: session.acr,
      auth_time: Math.floor(session.authTime / 1000),
    });
    const response = await app.inject({ method: 'POST', url: '/change', headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(response.statusCode, 200);
  });

  it('refuses a foreign Origin on public routes too (login CSRF), but not a client without one', async () => {
    const foreign = await app.inject({ method: 'POST', url: '/sign-in', headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.statusCode, 403);
    const nativeClient = await app.inject({ method: 'POST', url: '/sign-in' });
    assert.equal(nativeClient.statusCode, 200);
  });

  it('fails at registration on something that is not an origin', async () => {
    const bad = await createService({ name: 'test', logLevel: 'silent' });
    await bad.register(requestAuth, { ...sessions, verifyAccessToken: kit.verify });
    await assert.rejects(async () => {
      await bad.register(csrfOrigin, { allowedOrigins: ['https://app.example.test/'] });
    }, /authscale-csrf-origin: "https:\/\/app.example.test\/" is not an origin/);
  });
});
