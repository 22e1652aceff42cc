import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyAccessToken } from '@authscale/core';
import type { SinkMessage } from '@authscale/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet } from 'jose';
import pg from 'pg';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { visibleAnswer } from '../fixtures/visible-answer.ts';

const maxAttempts = 3;
const loginFreeAttempts = 5;

/**
 * Sign-in by a mailed code or link, end to end: the real orchestrator, session replica, DynamoDB
 * throttle and SMTP server. A second orchestrator with the default settings shows it off.
 */
describe('sign-in by email code', () => {
  let harness: Harness;
  let disabled: Harness;
  let admin: pg.Pool;
  let helpers: ReturnType<typeof accountHelpers>;
  before(async () => {
    [harness, disabled] = await Promise.all([
      startOrchestrator({
        loginFreeAttempts,
        env: { EMAIL_CODE_SIGN_IN: 'true', EMAIL_CODE_MAX_ATTEMPTS: String(maxAttempts) },
      }),
      startOrchestrator(),
    ]);
    admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
    helpers = accountHelpers(harness);
  });
  after(async () => {
    await admin.end();
    await Promise.all([harness.stop(), disabled.stop()]);
  });

  const post = (url: string, payload: unknown, { remoteAddress = '127.0.0.1', cookie = '' } = {}) =>
    harness.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      remoteAddress,
      headers: cookie ? { cookie } : {},
    });
  const requestCode = (email: string, remoteAddress?: string) =>
    post('/auth/email-code/request', { email }, remoteAddress ? { remoteAddress } : {});
  const verify = (body: { email: string; code: string } | { token: string }, remoteAddress?: string) =>
    post('/auth/email-code/verify', body, remoteAddress ? { remoteAddress } : {});

  const mailsTo = (email: string, subject: string) =>
    harness.mailSink.messages().filter(({ to, subject: s }) => to.includes(email) && s === subject);
  const nthMail = async (email: string, subject: string, count = 1) => {
    await harness.mailSink.waitForMessage(() => mailsTo(email, subject).length >= count);
    return mailsTo(email, subject)[count - 1] as SinkMessage;
  };
  /** The code and the link's token of the `nth` sign-in mail to `email`. */
  const mailedCode = async (email: string, nth = 1) => {
    const message = await nthMail(email, 'Your sign-in code', nth);
    const code = /is (\d{6})\./.exec(message.text)?.[1];
    const link = message.links.find((url) => url.searchParams.has('token'));
    assert.ok(code && link);
    assert.equal(link.origin, harness.config.PUBLIC_ORIGIN);
    assert.equal(link.pathname, '/sign-in-by-email');
    return { code, token: link.searchParams.get('token') as string };
  };

  /** An account whose address was proven with the link sign-up mailed. */
  async function verifiedAccount() {
    const account = await helpers.signUp();
    const message = await nthMail(account.email, 'Confirm your email address');
    const token = message.links.find((url) => url.searchParams.has('token'))?.searchParams.get('token');
    assert.equal((await post('/auth/email/verify', { token })).statusCode, 204);
    return account;
  }

  const sessionCookieOf = (response: LightMyRequestResponse) =>
    ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((header) => header.includes('_session='));

  it('a mailed code signs in as a password does, once', async () => {
    const { email, password, userId } = await verifiedAccount();
    assert.equal((await requestCode(email)).statusCode, 202);
    const { code } = await mailedCode(email);

    const signedIn = await verify({ email: email.toUpperCase(), code });
    assert.equal(signedIn.statusCode, 200);
    const body = signedIn.json();
    const byPassword = (await helpers.login(email, password)).json();
    assert.deepEqual(Object.keys(body).sort(), Object.keys(byPassword).sort());
    assert.equal(signedIn.headers['cache-control'], 'no-store');
    assert.ok(sessionCookieOf(signedIn), 'the session cookie is set');
    assert.ok(await harness.sessions.get(userId, body.sessionId), 'the session is live on the replicas');
    const jwks = createLocalJWKSet((await harness.app.inject({ url: '/.well-known/jwks.json' })).json());
    const claims = await verifyAccessToken({
      token: body.accessToken,
      keys: jwks,
      issuer: harness.config.PUBLIC_ORIGIN,
      audience: harness.config.JWT_AUDIENCE,
    });
    assert.deepEqual([claims.sub, claims.amr, claims.acr], [userId, ['email'], 'aal1']);

    const reused = await verify({ email, code });
    assert.equal(reused.statusCode, 401);
    assert.equal(reused.json().error.code, 'invalid_credentials');
  });

  it('the link signs in once, and spends the code mailed with it (and the other way round)', async () => {
    const { email } = await verifiedAccount();
    await requestCode(email);
    const first = await mailedCode(email);
    assert.equal((await verify({ token: first.token })).statusCode, 200);
    assert.equal((await verify({ token: first.token })).statusCode, 401, 'the link works once');
    assert.equal((await verify({ email, code: first.code })).statusCode, 401, 'its code went with it');

    await requestCode(email);
    const second = await mailedCode(email, 2);
    assert.equal((await verify({ email, code: second.code })).statusCode, 200);
    assert.equal((await verify({ token: second.token })).statusCode, 401, 'its link went with the code');
  });

  it('a new request voids the code and link mailed before it', async () => {
    const { email } = await verifiedAccount();
    await requestCode(email);
    const first = await mailedCode(email);
    await requestCode(email);
    const second = await mailedCode(email, 2);
    assert.equal((await verify({ token: first.token })).statusCode, 401);
    if (first.code !== second.code) assert.equal((await verify({ email, code: first.code })).statusCode, 401);
    assert.equal((await verify({ email, code: second.code })).statusCode, 200);
  });

  it('answers an unknown or unproven address exactly as a verified one, and mails only the verified one', async () => {
    const { email } = await verifiedAccount();
    const unproven = await helpers.signUp();
    const unknown = `nobody-${randomBytes(4).toString('hex')}@example.test`;
    const [known, stranger, notProven] = [
      await requestCode(email),
      await requestCode(unknown),
      await requestCode(unproven.email),
    ];
    assert.equal(known.statusCode, 202);
    assert.deepEqual(visibleAnswer(stranger), visibleAnswer(known));
    assert.deepEqual(visibleAnswer(notProven), visibleAnswer(known));
    await mailedCode(email);
    await harness.mail.idle();
    await sleep(50);
    assert.equal(mailsTo(unknown, 'Your sign-in code').length, 0);
    assert.equal(mailsTo(unproven.email, 'Your sign-in code').length, 0);
  });

  it('stores only hashes of the code and the token', async () => {
    const { email, userId } = await verifiedAccount();
    await requestCode(email);
    const { code, token } = await mailedCode(email);
    const { rows } = await admin.query<{ row: string }>(
      "SELECT row_to_json(f)::text AS row FROM auth_flows f WHERE kind LIKE 'email_code%' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal(rows.length, 2);
    for (const { row } of rows) {
      assert.ok(!row.includes(token), 'no token');
      assert.ok(!row.includes(`"${code}"`), 'no code');
    }
  });

  it(`a code dies after ${maxAttempts} wrong guesses, and an expired one is refused`, async () => {
    const { email, userId } = await verifiedAccount();
    await requestCode(email);
    const { code } = await mailedCode(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let guess = 0; guess < maxAttempts; guess += 1) {
      assert.equal((await verify({ email, code: wrong }, '127.0.2.1')).statusCode, 401);
    }
    assert.equal((await verify({ email, code }, '127.0.2.1')).statusCode, 401, 'the right code came too late');

    await requestCode(email);
    const fresh = await mailedCode(email, 2);
    await admin.query(
      "UPDATE auth_flows SET expires_at = now() - interval '1 second' WHERE kind = 'email_code' AND payload->>'userId' = $1",
      [userId],
    );
    assert.equal((await verify({ email, code: fresh.code }, '127.0.2.2')).statusCode, 401, 'expired');
  });

  it('guesses are throttled as password guesses are: per account and client, not the owner elsewhere', async () => {
    const { email, password } = await verifiedAccount();
    // Password and code guesses share the buckets.
    assert.equal((await helpers.login(email, `${password}!`)).statusCode, 401);
    for (let guess = 1; guess < loginFreeAttempts; guess += 1) {
      // A fresh code now and then, so no code dies of the guesses first: the throttle is what stops them.
      if (guess % maxAttempts === 1) await requestCode(email);
      assert.equal((await verify({ email, code: '000000' })).statusCode, 401);
    }
    // The back-off's first delay is one second; the throttle's clock steps back a minute so that a
    // busy machine cannot outwait it between two requests. No live code is needed: the gate comes first.
    harness.clock.offsetMs = -60_000;
    const throttled = await verify({ email, code: '000000' }).finally(() => {
      harness.clock.offsetMs = 0;
    });
    assert.equal(throttled.statusCode, 429);
    assert.ok(Number(throttled.headers['retry-after']) >= 1);

    await harness.mail.idle();
    const sent = mailsTo(email, 'Your sign-in code').length;
    await requestCode(email, '127.0.0.2');
    const owner = await mailedCode(email, sent + 1);
    const elsewhere = await verify({ email, code: owner.code }, '127.0.0.2');
    assert.equal(elsewhere.statusCode, 200, 'another address is not locked out');
  });

  it('an account with TOTP gets the second step, which completes with amr email and otp', async () => {
    const { email, userId } = await verifiedAccount();
    const { recoveryCodes } = await helpers.enrolTotp(userId);
    await requestCode(email);
    const { code } = await mailedCode(email);
    const first = await verify({ email, code });
    assert.equal(first.statusCode, 200);
    const { mfaRequired, mfaToken } = first.json();
    assert.equal(mfaRequired, true);
    assert.equal(sessionCookieOf(first), undefined, 'no session before the second factor');
    // A recovery code: the authenticator's current code was spent by the enrolment.
    const second = await post('/auth/mfa/totp', { mfaToken, code: recoveryCodes[0] });
    assert.equal(second.statusCode, 200);
    const session = await harness.sessions.get(userId, second.json().sessionId);
    assert.deepEqual(session?.amr, ['email', 'otp']);
  });

  it('is off by default: every route answers 404 not_found and nothing is mailed', async () => {
    const disabledHelpers = accountHelpers(disabled);
    const { email } = await disabledHelpers.signUp();
    for (const [method, url, payload] of [
      ['GET', '/auth/email-code', undefined],
      ['POST', '/auth/email-code/request', { email }],
      ['POST', '/auth/email-code/verify', { email, code: '123456' }],
    ] as const) {
      const response = await disabledHelpers.call(method, url, {}, payload);
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(response.json(), { error: { code: 'not_found', message: 'Not found.' } });
    }
    const enabled = await harness.app.inject({ url: '/auth/email-code' });
    assert.deepEqual(enabled.json(), { enabled: true, codeDigits: 6, lifetimeSeconds: 600 });
  });
});
