import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AuthError, ConfigError } from '@authscale/core';
import { startTestProvider, type TestProvider } from '@authscale/testkit/oidc-provider';
import { allowInsecureLoopbackIssuer } from '../../src/oidc/allow-insecure-loopback-issuer.ts';
import { createOidcSignIn, type OidcSignIn } from '../../src/oidc/create-oidc-sign-in.ts';
import { createTestStores } from '../mfa/test-stores.ts';
import { signInAtProvider } from './browser-session.ts';

const publicOrigin = 'https://auth.example.test';
const redirectUri = `${publicOrigin}/auth/oidc/test/callback`;

function rejectsWith(promise: Promise<unknown>, code: string) {
  return assert.rejects(promise, (error: unknown) => error instanceof AuthError && error.code === code);
}

const queryOf = (url: URL) => Object.fromEntries(url.searchParams);

describe('createOidcSignIn against a real OpenID provider', () => {
  let provider: TestProvider;
  let stores: Awaited<ReturnType<typeof createTestStores>>;
  let oidc: OidcSignIn;

  before(async () => {
    provider = await startTestProvider({ redirectUri });
    stores = await createTestStores();
    oidc = createOidcSignIn({
      providers: [
        allowInsecureLoopbackIssuer({
          name: 'test',
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          scope: 'openid email',
          allowedReturnTo: ['/', '/settings'],
        }),
      ],
      flows: stores.flows,
      accounts: stores.accounts,
      publicOrigin,
    });
  });
  after(async () => {
    await provider.stop();
    await stores.close();
  });

  /** Starts a sign-in and lets the provider's user sign in; returns what the callback needs. */
  async function throughProvider(accountId: string, tamper: (url: URL) => void = () => {}) {
    const { authorizationUrl, flowId } = await oidc.start({ provider: 'test', returnTo: '/settings' });
    const url = new URL(authorizationUrl);
    tamper(url);
    const callback = await signInAtProvider({ authorizationUrl: url.toString(), redirectUri, accountId });
    return { flowId, query: queryOf(callback) };
  }

  const account = () => `user${randomBytes(4).toString('hex')}`;

  it('signs in with PKCE S256, state and nonce, creating the account once', async () => {
    const { authorizationUrl } = await oidc.start({ provider: 'test' });
    const params = new URL(authorizationUrl).searchParams;
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.ok(params.get('state') && params.get('nonce') && params.get('code_challenge'));
    assert.equal(params.get('redirect_uri'), redirectUri);

    const name = account();
    const first = await throughProvider(name);
    const created = await oidc.complete({ provider: 'test', ...first });
    assert.equal(created.outcome, 'created');
    assert.equal(created.returnTo, '/settings');
    assert.equal(await stores.userIdByEmail(`${name}@example.test`), created.userId);

    const again = await oidc.complete({ provider: 'test', ...(await throughProvider(name)) });
    assert.deepEqual(again, { ...created, outcome: 'existing' });
  });

  it('refuses a replayed callback', async () => {
    const name = account();
    const attempt = await throughProvider(name);
    await oidc.complete({ provider: 'test', ...attempt });
    await rejectsWith(oidc.complete({ provider: 'test', ...attempt }), 'invalid_request');
  });

  it('refuses a wrong state and spends the flow, creating nothing', async () => {
    const name = account();
    const attempt = await throughProvider(name);
    await rejectsWith(
      oidc.complete({ provider: 'test', flowId: attempt.flowId, query: { ...attempt.query, state: 'forged' } }),
      'invalid_request',
    );
    await rejectsWith(oidc.complete({ provider: 'test', ...attempt }), 'invalid_request');
    assert.equal(await stores.userIdByEmail(`${name}@example.test`), null);
  });

  it('refuses an ID token carrying another nonce, creating nothing', async () => {
    const name = account();
    const attempt = await throughProvider(name, (url) => url.searchParams.set('nonce', 'not-the-stored-nonce'));
    await rejectsWith(oidc.complete({ provider: 'test', ...attempt }), 'invalid_credentials');
    assert.equal(await stores.userIdByEmail(`${name}@example.test`), null);
  });

  it('refuses a code issued for another PKCE challenge, creating nothing', async () => {
    const name = account();
    const otherChallenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const attempt = await throughProvider(name, (url) => url.searchParams.set('code_challenge', otherChallenge));
    await rejectsWith(oidc.complete({ provider: 'test', ...attempt }), 'invalid_credentials');
    assert.equal(await stores.userIdByEmail(`${name}@example.test`), null);
  });

  it('refuses a callback without the flow cookie, or for another provider', async () => {
    const attempt = await throughProvider(account());
    await rejectsWith(oidc.complete({ provider: 'test', flowId: undefined, query: attempt.query }), 'invalid_request');
    await rejectsWith(oidc.complete({ provider: 'other', ...attempt }), 'not_found');
  });

  it('links to an existing account only on a verified email', async () => {
    const name = account();
    await oidc.complete({ provider: 'test', ...(await throughProvider(name)) });
    await rejectsWith(
      oidc.complete({ provider: 'test', ...(await throughProvider(`unverified-${name}`)) }),
      'forbidden',
    );
  });

  it('accepts return_to only from the allowlist', async () => {
    for (const returnTo of ['https://evil.example.test/', '//evil.example.test', '/other']) {
      await rejectsWith(oidc.start({ provider: 'test', returnTo }), 'invalid_request');
    }
  });

  it('allows plain http only for loopback issuers', () => {
    const settings = { name: 'x', clientId: 'c', clientSecret: 's', scope: 'openid', allowedReturnTo: ['/'] };
    assert.throws(() => allowInsecureLoopbackIssuer({ ...settings, issuer: 'http://idp.example.test' }), ConfigError);
    assert.throws(() => allowInsecureLoopbackIssuer({ ...settings, issuer: 'https://127.0.0.1' }), ConfigError);
  });
});
