import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestProvider, type TestProvider } from '@authscale/testkit/oidc-provider';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { allowInsecureLoopbackIssuer } from '../../src/oidc/allow-insecure-loopback-issuer.ts';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { type HookReceiver, replyJson, startHookReceiver } from '../fixtures/start-hook-receiver.ts';
import { signInAtProvider } from '../oidc/browser-session.ts';

const secret = newWebhookSecret();
/** The secret the receiver is moving to: calls carry a signature for each. */
const nextSecret = newWebhookSecret();
const password = 'a long unusual passphrase';
const redirectUri = 'http://127.0.0.1:8080/auth/oidc/test/callback';

/** The before-sign-up hook at `url`, called over plain HTTP on loopback as the tests' receivers are. */
const signUpHookEnv = (url: string, onFailure: 'closed' | 'open') => ({
  INSECURE_WEBHOOK_HTTP: 'true',
  INSECURE_WEBHOOK_PRIVATE_ADDRESSES: 'true',
  HOOK_BEFORE_SIGN_UP_URL: url,
  HOOK_BEFORE_SIGN_UP_SECRET: secret,
  HOOK_BEFORE_SIGN_UP_SECRET_NEXT: nextSecret,
  HOOK_BEFORE_SIGN_UP_TIMEOUT_MS: '300',
  HOOK_BEFORE_SIGN_UP_ON_FAILURE: onFailure,
});

describe('the before-sign-up hook', () => {
  let receiver: HookReceiver;
  let provider: TestProvider;
  let harness: Harness;
  let admin: pg.Pool;

  before(async () => {
    receiver = await startHookReceiver({ secret });
    provider = await startTestProvider({ redirectUri });
    harness = await startOrchestrator({
      env: signUpHookEnv(receiver.url, 'closed'),
      oidcProviders: [
        allowInsecureLoopbackIssuer({
          name: 'test',
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          scope: 'openid email',
          allowedReturnTo: ['/'],
        }),
      ],
    });
    admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
  });
  after(async () => {
    await admin.end();
    await harness.stop();
    await provider.stop();
    await receiver.stop();
  });

  const signup = (email: string, app = harness.app) =>
    app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, password }),
    });
  const accounts = async (email: string) =>
    (await admin.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount;

  it('asks the hook with a call signed as webhooks are, and opens the account it allows', async () => {
    receiver.reply = () => replyJson({ allow: true });
    const response = await signup('Ada@Example.com');
    assert.equal(response.statusCode, 201);
    assert.equal(await accounts('ada@example.com'), 1);
    const call = receiver.calls.at(-1);
    assert.deepEqual(receiver.unverified, []);
    assert.deepEqual(
      { type: call?.payload.type, version: call?.payload.version, data: call?.payload.data },
      { type: 'before_sign_up', version: 1, data: { email: 'ada@example.com', method: 'password', ip: '127.0.0.1' } },
    );
    assert.match(String(call?.headers['webhook-id']), /^msg_[0-9a-f-]{36}$/);
    // Signed with the current and the next secret, each verifying on its own; no other secret does.
    const headers = call?.headers as Record<string, string>;
    assert.equal(String(headers['webhook-signature']).split(' ').length, 2);
    assert.ok(new Webhook(nextSecret).verify(call?.body ?? '', headers));
    assert.throws(() => new Webhook(newWebhookSecret()).verify(call?.body ?? '', headers));
  });

  it('a refusal answers 403 signup_denied with the hook’s reason, and opens no account', async () => {
    receiver.reply = () => replyJson({ allow: false, reason: 'Sign-ups from example.org are closed.' });
    const response = await signup('eve@example.org');
    assert.equal(response.statusCode, 403);
    assert.deepEqual(response.json(), {
      error: { code: 'signup_denied', message: 'Sign-ups from example.org are closed.' },
    });
    assert.equal(await accounts('eve@example.org'), 0);
  });

  it('a refusal looks the same whether or not the address has an account', async () => {
    receiver.reply = () => replyJson({ allow: true });
    const existing = (await signup('kept@example.com')).json();
    receiver.reply = () => replyJson({ allow: false, reason: 'Not now.' });
    const calls = receiver.calls.length;
    const taken = await signup('kept@example.com');
    const fresh = await signup('fresh@example.com');
    assert.equal(receiver.calls.length, calls + 2);
    assert.deepEqual([taken.statusCode, taken.json()], [fresh.statusCode, fresh.json()]);
    assert.equal(taken.headers['content-type'], fresh.headers['content-type']);
    const login = await harness.identity.users.findPasswordLogin({ email: 'kept@example.com' });
    assert.equal(login?.userId, existing.userId);
    assert.equal(await accounts('fresh@example.com'), 0);
  });

  it('shows the reason as one line of plain text, 200 characters at most, or a generic one', async () => {
    receiver.reply = () => replyJson({ allow: false, reason: `Closed\u0000 for\nnow\u202e. ${'x'.repeat(500)}` });
    const message = (await signup('long@example.com')).json().error.message;
    assert.equal(message, `Closed for now . ${'x'.repeat(183)}`);
    receiver.reply = () => replyJson({ allow: false });
    assert.equal((await signup('plain@example.com')).json().error.message, 'Sign-up is not allowed.');
  });

  it('fail-closed: no answer in time, an error status or an answer outside the contract refuses the sign-up', async () => {
    const cases: [HookReceiver['reply'], number, string][] = [
      [() => 'hang', 504, 'dependency_timeout'],
      [() => replyJson({ allow: true }, 500), 502, 'dependency_failed'],
      [() => replyJson({ allow: 'yes' }), 502, 'dependency_failed'],
      [() => ({ status: 200, body: 'allow' }), 502, 'dependency_failed'],
    ];
    for (const [index, [reply, status, code]] of cases.entries()) {
      receiver.reply = reply;
      const response = await signup(`closed${index}@example.com`);
      assert.equal(response.statusCode, status, code);
      assert.equal(response.json().error.code, code);
    }
    const { rowCount } = await admin.query("SELECT 1 FROM users WHERE email LIKE 'closed%'");
    assert.equal(rowCount, 0);
    const failures = harness.logLines.filter((line) => line.includes('"hook failed"')).map((line) => JSON.parse(line));
    assert.deepEqual(
      failures.map(({ hook, failure, onFailure }) => ({ hook, failure, onFailure })),
      ['network_timeout', 'http_500', 'answer_invalid', 'answer_not_json'].map((failure) => ({
        hook: 'before_sign_up',
        failure,
        onFailure: 'closed',
      })),
    );
    // Neither the secret (nor its key material) nor an address ever reaches the log.
    const logs = harness.logLines.join('\n');
    assert.equal(logs.includes(secret.slice('whsec_'.length)) || logs.includes(nextSecret.slice(6)), false);
    assert.doesNotMatch(logs, /@example\.com/);
  });

  it('fail-open: a sign-up goes on when the hook does not answer', async () => {
    const open = await startOrchestrator({ env: signUpHookEnv(receiver.url, 'open') });
    try {
      receiver.reply = () => 'hang';
      const response = await signup('open@example.com', open.app);
      assert.equal(response.statusCode, 201);
      assert.ok(await open.identity.users.findPasswordLogin({ email: 'open@example.com' }));
      assert.ok(open.logLines.some((line) => line.includes('"failure":"network_timeout"')));
    } finally {
      await open.stop();
    }
  });

  it('a first OIDC sign-in asks the hook too; a later one, to an account that exists, does not', async () => {
    const signInWithProvider = async (accountId: string) => {
      const started = await harness.app.inject({ method: 'GET', url: '/auth/oidc/test/start?return_to=/' });
      const back = await signInAtProvider({
        authorizationUrl: String(started.headers.location),
        redirectUri,
        accountId,
      });
      return harness.app.inject({
        method: 'GET',
        url: `${back.pathname}${back.search}`,
        headers: { cookie: String(started.headers['set-cookie']).split(';')[0] as string },
      });
    };
    const name = `oidc${randomBytes(4).toString('hex')}`;
    receiver.reply = () => replyJson({ allow: false, reason: 'Invitation only.' });
    const refused = await signInWithProvider(name);
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json().error, { code: 'signup_denied', message: 'Invitation only.' });
    assert.equal(await accounts(`${name}@example.test`), 0);
    assert.deepEqual(receiver.calls.at(-1)?.payload.data, {
      email: `${name}@example.test`,
      method: 'oidc',
      ip: '127.0.0.1',
    });

    receiver.reply = () => replyJson({ allow: true });
    assert.equal((await signInWithProvider(name)).statusCode, 303);
    assert.equal(await accounts(`${name}@example.test`), 1);
    const calls = receiver.calls.length;
    receiver.reply = () => replyJson({ allow: false });
    assert.equal((await signInWithProvider(name)).statusCode, 303);
    assert.equal(receiver.calls.length, calls);
  });
});
