import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestProvider, type TestProvider } from '@authscale/testkit/oidc-provider';
import pg from 'pg';
import { allowInsecureLoopbackIssuer } from '../../src/oidc/allow-insecure-loopback-issuer.ts';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { signInAtProvider } from './browser-session.ts';

const publicOrigin = 'http://127.0.0.1:8080';
const redirectUri = `${publicOrigin}/auth/oidc/test/callback`;

/** OIDC sign-in over HTTP: the flow cookie, the redirects and the session, against a real provider. */
describe('OIDC routes', () => {
  /** The test provider as the orchestrator's one configured provider, named `test`. */
  const testProvider = (allowedReturnTo: string[]) =>
    allowInsecureLoopbackIssuer({
      name: 'test',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      scope: 'openid email',
      allowedReturnTo,
    });

  let provider: TestProvider;
  let harness: Harness;
  let admin: pg.Pool;

  before(async () => {
    provider = await startTestProvider({ redirectUri });
    harness = await startOrchestrator({
      oidcProviders: [testProvider(['/', '/projects'])],
    });
    admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
  });
  after(async () => {
    await admin.end();
    await harness.stop();
    await provider.stop();
  });

  const userCount = async (email: string) =>
    (await admin.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount;

  async function start(returnTo = '/projects') {
    const response = await harness.app.inject({ method: 'GET', url: `/auth/oidc/test/start?return_to=${returnTo}` });
    assert.equal(response.statusCode, 303);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^__Host-authscale_oidc=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);
    return { location: String(response.headers.location), flowCookie: cookie.split(';')[0] as string };
  }

  const callback = (url: URL, cookie?: string) =>
    harness.app.inject({
      method: 'GET',
      url: `${url.pathname}${url.search}`,
      headers: cookie ? { cookie } : {},
    });

  it('lists the providers', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/auth/oidc/providers' });
    assert.deepEqual(response.json(), { providers: ['test'] });
  });

  it('signs in, sets the session cookie, returns to the allowed path; the callback cannot be replayed', async () => {
    const name = `oidc${randomBytes(4).toString('hex')}`;
    const { location, flowCookie } = await start();
    const back = await signInAtProvider({ authorizationUrl: location, redirectUri, accountId: name });
    const done = await callback(back, flowCookie);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/projects');
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
    assert.ok(
      cookies.some((cookie) => cookie.startsWith('__Host-authscale_session=') && !cookie.includes('Max-Age=0')),
    );
    assert.ok(cookies.some((cookie) => cookie.startsWith('__Host-authscale_oidc=;')));
    assert.equal(await userCount(`${name}@example.test`), 1);

    const replay = await callback(back, flowCookie);
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error.code, 'invalid_request');
  });

  it('the flow cookie follows the session cookie in local plain-HTTP mode, where a Secure cookie never comes back', async () => {
    const local = await startOrchestrator({
      env: { INSECURE_LOCAL_HTTP_COOKIES: 'true' },
      oidcProviders: [testProvider(['/'])],
    });
    try {
      const started = await local.app.inject({ method: 'GET', url: '/auth/oidc/test/start?return_to=/' });
      const cookie = String(started.headers['set-cookie']);
      assert.match(cookie, /^authscale_oidc=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
      const name = `oidc${randomBytes(4).toString('hex')}`;
      const back = await signInAtProvider({
        authorizationUrl: String(started.headers.location),
        redirectUri,
        accountId: name,
      });
      const done = await local.app.inject({
        method: 'GET',
        url: `${back.pathname}${back.search}`,
        headers: { cookie: cookie.split(';')[0] as string },
      });
      assert.equal(done.statusCode, 303);
      const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
      assert.ok(cookies.some((set) => set.startsWith('authscale_session=') && !set.includes('Secure')));
      assert.ok(cookies.some((set) => set.startsWith('authscale_oidc=;')));
    } finally {
      await local.stop();
    }
  });

  it('a wrong state, a missing cookie or a wrong nonce: 4xx and no account', async () => {
    const name = `oidc${randomBytes(4).toString('hex')}`;
    const first = await start();
    const back = await signInAtProvider({ authorizationUrl: first.location, redirectUri, accountId: name });
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged');
    assert.equal((await callback(forged, first.flowCookie)).statusCode, 400);
    assert.equal((await callback(back)).statusCode, 400);

    const second = await start();
    const tampered = new URL(second.location);
    tampered.searchParams.set('nonce', 'another-nonce');
    const withWrongNonce = await signInAtProvider({
      authorizationUrl: tampered.toString(),
      redirectUri,
      accountId: name,
    });
    const refused = await callback(withWrongNonce, second.flowCookie);
    assert.equal(refused.statusCode, 401);
    assert.equal(await userCount(`${name}@example.test`), 0);
  });

  it('a return_to outside the allowlist is refused before anything is stored', async () => {
    const response = await harness.app.inject({
      method: 'GET',
      url: '/auth/oidc/test/start?return_to=https%3A%2F%2Fevil.example.test%2F',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['set-cookie'], undefined);
  });

  it('never hands a provider sign-in to a password account that did not prove the email; its holder links it signed in', async () => {
    const name = `oidc${randomBytes(4).toString('hex')}`;
    const email = `${name}@example.test`;
    const signup = await harness.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email, password: 'a perfectly long passphrase' },
    });
    assert.equal(signup.statusCode, 201);
    const holder = signup.json() as { userId: string; tenantId: string };

    const attempt = await start();
    const refused = await callback(
      await signInAtProvider({ authorizationUrl: attempt.location, redirectUri, accountId: name }),
      attempt.flowCookie,
    );
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'conflict');
    const sessionCookies = ([] as string[])
      .concat(refused.headers['set-cookie'] ?? [])
      .filter((cookie) => cookie.startsWith('__Host-authscale_session='));
    assert.deepEqual(sessionCookies, [], 'no session for the provider sign-in');

    // Linking needs a signed-in user with a recent authentication, never an API key.
    const stale = await asPrincipal({ ...holder, authTime: 1 });
    const needsStepUp = await harness.app.inject({ method: 'POST', url: '/auth/oidc/test/link', headers: stale });
    assert.equal(needsStepUp.statusCode, 403, needsStepUp.body);
    assert.equal(needsStepUp.json().error.code, 'step_up_required');

    const fresh = await asPrincipal({ ...holder, authTime: Math.floor(Date.now() / 1000) });
    const link = await harness.app.inject({
      method: 'POST',
      url: '/auth/oidc/test/link?return_to=/',
      headers: fresh,
    });
    assert.equal(link.statusCode, 200);
    const flowCookie = String(link.headers['set-cookie']).split(';')[0] as string;
    const back = await signInAtProvider({
      authorizationUrl: link.json().authorizationUrl,
      redirectUri,
      accountId: name,
    });
    const linked = await callback(back, flowCookie);
    assert.equal(linked.statusCode, 303);
    assert.equal(linked.headers.location, '/');
    const { rows } = await admin.query<{ type: string }>(
      `SELECT type FROM audit_events WHERE user_id = $1 AND type = 'oidc.linked'`,
      [holder.userId],
    );
    assert.equal(rows.length, 1);

    // From now on the provider signs the holder in.
    const again = await start();
    const signedIn = await callback(
      await signInAtProvider({ authorizationUrl: again.location, redirectUri, accountId: name }),
      again.flowCookie,
    );
    assert.equal(signedIn.statusCode, 303);
    assert.equal(await userCount(email), 1);
  });

  it('a user with TOTP goes to the second factor: the mfaToken rides in the fragment', async () => {
    const name = `oidc${randomBytes(4).toString('hex')}`;
    const signIn = async () => {
      const { location, flowCookie } = await start();
      return callback(await signInAtProvider({ authorizationUrl: location, redirectUri, accountId: name }), flowCookie);
    };
    const first = await signIn();
    const sessionToken = ([] as string[])
      .concat(first.headers['set-cookie'] ?? [])
      .find((cookie) => cookie.startsWith('__Host-authscale_session='));
    assert.ok(sessionToken);
    const { rows } = await admin.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [
      `${name}@example.test`,
    ]);
    await admin.query(
      `INSERT INTO totp_credentials (user_id, secret_ciphertext, activated_at) VALUES ($1, 'k1.a.b.c', now())`,
      [rows[0]?.id],
    );
    const second = await signIn();
    assert.equal(second.statusCode, 303);
    assert.match(String(second.headers.location), /^\/projects#mfa_token=[\w-]{43}$/);
    const cookies = ([] as string[]).concat(second.headers['set-cookie'] ?? []);
    assert.ok(!cookies.some((cookie) => cookie.startsWith('__Host-authscale_session=')));
  });
});
