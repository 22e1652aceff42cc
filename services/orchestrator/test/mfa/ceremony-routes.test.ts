import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { createSoftwareAuthenticator } from '../passkeys/software-authenticator.ts';

/** The passkey, TOTP and step-up routes through the real orchestrator, session replica and database. */
describe('ceremony routes', () => {
  let harness: Harness;
  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  const now = () => Math.floor(Date.now() / 1000);
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload: payload as object, headers });

  async function signUp() {
    const email = `routes-${randomBytes(4).toString('hex')}@example.test`;
    const password = `a long passphrase ${randomBytes(4).toString('hex')}`;
    const response = await post('/auth/signup', { email, password });
    assert.equal(response.statusCode, 201);
    const { userId } = response.json() as { userId: string };
    return { email, password, userId };
  }

  /** Enrols TOTP as a freshly signed-in caller; returns the secret, the step it used and the recovery codes. */
  async function enrolTotp(userId: string) {
    const headers = await asPrincipal({ userId, authTime: now() });
    const enrol = await post('/auth/totp/enroll', {}, headers);
    assert.equal(enrol.statusCode, 200);
    const { secret, otpauthUrl } = enrol.json() as { secret: string; otpauthUrl: string };
    assert.match(otpauthUrl, /^otpauth:\/\/totp\//);
    const activate = await post('/auth/totp/activate', { code: await generate({ secret }) }, headers);
    assert.equal(activate.statusCode, 200);
    return { secret, recoveryCodes: (activate.json() as { recoveryCodes: string[] }).recoveryCodes };
  }

  it('password + TOTP: login answers an mfaToken, the code completes it once, tokens carry amr/acr/auth_time', async () => {
    const { email, password, userId } = await signUp();
    const { secret } = await enrolTotp(userId);

    const login = await post('/auth/login', { email, password });
    assert.equal(login.statusCode, 200);
    const { mfaRequired, mfaToken, accessToken } = login.json() as Record<string, unknown>;
    assert.equal(mfaRequired, true);
    assert.equal(typeof mfaToken, 'string');
    assert.equal(accessToken, undefined);

    // The activation spent the current step; the next one is within the ±1 step window.
    const code = await generate({ secret, epoch: now() + 30 });
    const wrong = await post('/auth/mfa/totp', { mfaToken, code: '000000' });
    assert.equal(wrong.statusCode, 401);
    const completed = await post('/auth/mfa/totp', { mfaToken, code });
    assert.equal(completed.statusCode, 200);
    const tokens = completed.json() as { accessToken: string; sessionId: string };
    const claims = decodeJwt(tokens.accessToken);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.acr, 'aal2');
    assert.ok(typeof claims.auth_time === 'number' && Math.abs(claims.auth_time - now()) < 60);
    assert.match(String(completed.headers['set-cookie']), /__Host-authscale_session=/);

    assert.equal((await post('/auth/mfa/totp', { mfaToken, code })).statusCode, 401);
    const again = await post('/auth/login', { email, password });
    const replay = await post('/auth/mfa/totp', { mfaToken: again.json().mfaToken, code });
    assert.equal(replay.statusCode, 401);
  });

  it('a recovery code completes a sign-in once', async () => {
    const { email, password, userId } = await signUp();
    const { recoveryCodes } = await enrolTotp(userId);
    const code = recoveryCodes[3] as string;
    const first = await post('/auth/mfa/totp', {
      mfaToken: (await post('/auth/login', { email, password })).json().mfaToken,
      code,
    });
    assert.equal(first.statusCode, 200);
    const second = await post('/auth/mfa/totp', {
      mfaToken: (await post('/auth/login', { email, password })).json().mfaToken,
      code,
    });
    assert.equal(second.statusCode, 401);
    assert.equal(second.json().error.code, 'invalid_credentials');
  });

  it('sensitive actions need a recent sign-in or a step-up, which expires on its own', async () => {
    const { userId } = await signUp();
    const { secret } = await enrolTotp(userId);
    const stale = await asPrincipal({
      userId,
      sessionId: `s-${randomBytes(4).toString('hex')}`,
      authTime: now() - 3600,
    });
    const refused = await post('/auth/totp/enroll', {}, stale);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'step_up_required');
    assert.equal((await post('/auth/passkeys/register/options', {}, stale)).statusCode, 403);

    const stepUp = await post('/auth/step-up/totp', { code: await generate({ secret, epoch: now() + 30 }) }, stale);
    assert.equal(stepUp.statusCode, 200);
    assert.equal((await post('/auth/passkeys/register/options', {}, stale)).statusCode, 200);
    const otherSession = await asPrincipal({ userId, sessionId: 'another-session', authTime: now() - 3600 });
    assert.equal((await post('/auth/totp/enroll', {}, otherSession)).statusCode, 403);
  });

  it('passkeys: register for the signed-in user, then sign in without a username (amr hwk, acr aal2)', async () => {
    const { userId } = await signUp();
    const headers = await asPrincipal({ userId, authTime: now() });
    const authenticator = createSoftwareAuthenticator({
      origin: harness.config.PUBLIC_ORIGIN,
      rpId: new URL(harness.config.PUBLIC_ORIGIN).hostname,
    });
    const options = (await post('/auth/passkeys/register/options', {}, headers)).json();
    const registered = await post(
      '/auth/passkeys/register/verify',
      { flowId: options.flowId, response: authenticator.register(options.options) },
      headers,
    );
    assert.equal(registered.statusCode, 200);

    const login = (await post('/auth/passkeys/login/options', {})).json();
    const response = authenticator.authenticate(login.options);
    const verified = await post('/auth/passkeys/login/verify', { flowId: login.flowId, response });
    assert.equal(verified.statusCode, 200);
    const claims = decodeJwt(verified.json().accessToken);
    assert.equal(claims.sub, userId);
    assert.deepEqual(claims.amr, ['hwk']);
    assert.equal(claims.acr, 'aal2');

    const replayed = await post('/auth/passkeys/login/verify', { flowId: login.flowId, response });
    assert.equal(replayed.statusCode, 401);
  });

  it('bad input gets a 4xx with the stable error shape', async () => {
    for (const [url, payload] of [
      ['/auth/mfa/totp', { mfaToken: 'x' }],
      ['/auth/mfa/totp', { mfaToken: 'forged', code: '123456' }],
      ['/auth/passkeys/login/verify', { flowId: 'x', response: { id: 'a' } }],
      [
        '/auth/passkeys/login/verify',
        {
          flowId: 'x',
          response: { id: 'a', rawId: 'a', type: 'public-key', response: {}, clientExtensionResults: {} },
        },
      ],
    ] as const) {
      const response = await post(url, payload);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url} answered ${response.statusCode}`);
      assert.equal(typeof response.json().error.code, 'string');
    }
    assert.equal((await post('/auth/totp/enroll', {})).statusCode, 401);
    const unknown = await harness.app.inject({ method: 'GET', url: '/auth/oidc/nope/start' });
    assert.equal(unknown.statusCode, 404);
    const noCookie = await harness.app.inject({ method: 'GET', url: '/auth/oidc/nope/callback?state=x&code=y' });
    assert.equal(noCookie.statusCode, 404);
  });
});
