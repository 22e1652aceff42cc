import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyAccessToken } from '@authscale/core';
import { createLocalJWKSet, decodeJwt } from 'jose';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { type HookReceiver, replyJson, startHookReceiver } from '../fixtures/start-hook-receiver.ts';

const secret = newWebhookSecret();
const password = 'a long unusual passphrase';
const namespace = 'https://example.test/claims/';
/** The claim names authscale sets: `sub`, `iss` ... and its own `sid`, `tid`, `amr`, `acr`, `auth_time`. */
const ownClaims = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'tid', 'amr', 'acr', 'auth_time'];

const tokenHookEnv = (url: string, onFailure: 'closed' | 'open') => ({
  INSECURE_WEBHOOK_HTTP: 'true',
  INSECURE_WEBHOOK_PRIVATE_ADDRESSES: 'true',
  HOOK_BEFORE_TOKEN_URL: url,
  HOOK_BEFORE_TOKEN_SECRET: secret,
  HOOK_BEFORE_TOKEN_TIMEOUT_MS: '300',
  HOOK_BEFORE_TOKEN_ON_FAILURE: onFailure,
  HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: namespace,
});

const post = (harness: Harness, url: string, payload: unknown) =>
  harness.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });

/** A new account, signed in: its ids and its token pair. */
async function signedIn(harness: Harness, email: string) {
  const account = (await post(harness, '/auth/signup', { email, password })).json();
  const login = await post(harness, '/auth/login', { email, password });
  return { ...account, login };
}

/** The names a token carries beyond authscale's own. */
const addedClaimsOf = (accessToken: string) =>
  Object.fromEntries(Object.entries(decodeJwt(accessToken)).filter(([name]) => !ownClaims.includes(name)));

describe('the before-token hook', () => {
  let receiver: HookReceiver;
  let harness: Harness;

  before(async () => {
    receiver = await startHookReceiver({ secret });
    // Fail-open is the token hook's default: the harness leaves it unset.
    const { HOOK_BEFORE_TOKEN_ON_FAILURE: _, ...openByDefault } = tokenHookEnv(receiver.url, 'open');
    harness = await startOrchestrator({ env: openByDefault });
  });
  after(async () => {
    await harness.stop();
    await receiver.stop();
  });

  it('adds the namespaced claims to the signed token at sign-in and at refresh', async () => {
    receiver.reply = ({ payload }) =>
      replyJson({ claims: { [`${namespace}roles`]: ['editor'], [`${namespace}grant`]: payload.data.grant } });
    const { userId, tenantId, login } = await signedIn(harness, 'tina@example.com');
    assert.equal(login.statusCode, 200);
    const tokens = login.json();
    const jwks = createLocalJWKSet((await harness.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const verify = (token: string) =>
      verifyAccessToken({
        token,
        keys: jwks,
        issuer: harness.config.PUBLIC_ORIGIN,
        audience: harness.config.JWT_AUDIENCE,
      });
    const claims = (await verify(tokens.accessToken)) as unknown as Record<string, unknown>;
    assert.deepEqual(claims[`${namespace}roles`], ['editor']);
    assert.equal(claims[`${namespace}grant`], 'sign_in');
    assert.equal(claims.sub, userId);
    assert.deepEqual(receiver.calls.at(-1)?.payload.data, {
      userId,
      tenantId,
      sessionId: tokens.sessionId,
      amr: ['pwd'],
      acr: 'aal1',
      grant: 'sign_in',
    });
    assert.equal(receiver.calls.at(-1)?.payload.type, 'before_token');
    assert.deepEqual(receiver.unverified, []);

    const refreshed = await post(harness, '/auth/token/refresh', { refreshToken: tokens.refreshToken });
    assert.equal(refreshed.statusCode, 200);
    assert.deepEqual(addedClaimsOf((await refreshed.json()).accessToken), {
      [`${namespace}roles`]: ['editor'],
      [`${namespace}grant`]: 'refresh',
    });
    await verify(refreshed.json().accessToken);
    assert.equal(receiver.calls.at(-1)?.payload.data.grant, 'refresh');
  });

  it('fail-open: a claim outside the namespace, a registered one, over 2 KiB or no answer adds nothing', async () => {
    const failures: [HookReceiver['reply'], string][] = [
      [() => replyJson({ claims: { roles: ['admin'] } }), 'claims_not_namespaced'],
      [() => replyJson({ claims: { sub: 'someone-else', [`${namespace}x`]: 1 } }), 'claims_not_namespaced'],
      [() => replyJson({ claims: { tid: 'another-tenant' } }), 'claims_not_namespaced'],
      [() => replyJson({ claims: { [namespace]: 'the namespace alone' } }), 'claims_not_namespaced'],
      [() => replyJson({ claims: { [`${namespace}big`]: 'x'.repeat(2100) } }), 'claims_too_large'],
      [() => replyJson({ claims: { [`${namespace}huge`]: 'x'.repeat(20_000) } }), 'answer_too_large'],
      [() => replyJson({ claims: [] }), 'answer_invalid'],
      [() => 'hang', 'network_timeout'],
    ];
    const { userId, tenantId } = await signedIn(harness, 'olga@example.com');
    for (const [reply, failure] of failures) {
      receiver.reply = reply;
      const login = await post(harness, '/auth/login', { email: 'olga@example.com', password });
      assert.equal(login.statusCode, 200, failure);
      const claims = decodeJwt(login.json().accessToken);
      assert.deepEqual([claims.sub, claims.tid], [userId, tenantId], failure);
      assert.deepEqual(addedClaimsOf(login.json().accessToken), {}, failure);
      const last = JSON.parse(harness.logLines.at(-1) ?? '{}');
      assert.deepEqual([last.msg, last.hook, last.failure], ['hook failed', 'before_token', failure]);
    }
    const logs = harness.logLines.join('\n');
    assert.equal(logs.includes(secret.slice('whsec_'.length)), false);
    assert.doesNotMatch(logs, /someone-else|olga@/);
  });

  it('fail-closed: a failed hook refuses the sign-in, ending its session, and spends no refresh token', async () => {
    const closed = await startOrchestrator({ env: tokenHookEnv(receiver.url, 'closed') });
    try {
      receiver.reply = () => replyJson({ claims: {} });
      const { userId, login } = await signedIn(closed, 'carl@example.com');
      const { refreshToken } = login.json();
      assert.equal((await closed.sessions.list(userId)).length, 1);

      receiver.reply = () => replyJson({ claims: { roles: ['admin'] } });
      const refused = await post(closed, '/auth/login', { email: 'carl@example.com', password });
      assert.deepEqual([refused.statusCode, refused.json().error.code], [502, 'dependency_failed']);
      assert.equal((await closed.sessions.list(userId)).length, 1);

      receiver.reply = () => 'hang';
      const timedOut = await post(closed, '/auth/token/refresh', { refreshToken });
      assert.deepEqual([timedOut.statusCode, timedOut.json().error.code], [504, 'dependency_timeout']);
      // Long after the rotation's grace window: the token was never spent, so no replay is seen.
      closed.clock.offsetMs = 60_000;
      receiver.reply = () => replyJson({ claims: { [`${namespace}ok`]: true } });
      const retried = await post(closed, '/auth/token/refresh', { refreshToken });
      assert.equal(retried.statusCode, 200);
      assert.equal(decodeJwt(retried.json().accessToken)[`${namespace}ok`], true);
    } finally {
      await closed.stop();
    }
  });
});
