import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '@authscale/testkit';
import { startTestProvider, type TestProvider } from '@authscale/testkit/oidc-provider';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { loopbackCertificate } from './loopback-certificate.ts';
import { startStack } from './start-stack.ts';

/**
 * The demo page in Debian's Chromium against the whole stack: password, TOTP (with a recovery
 * code), passkey, OpenID Connect and email-code sign-in, enrolment, projects and sessions, and
 * the pages mailed links open (read from a real SMTP server the orchestrator sends to). Chromium's virtual
 * authenticator (DevTools WebAuthn domain) stands in for a platform passkey with user
 * verification; a real `oidc-provider` on https (a throw-away certificate the orchestrator trusts)
 * stands in for an identity provider.
 */
describe('the demo page in a real browser', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `e2e-${randomBytes(4).toString('hex')}@example.test`;
  const password = `correct horse ${randomBytes(6).toString('hex')}`;
  let recoveryCodes: string[] = [];

  let provider: TestProvider | undefined;
  let sink: SmtpSink;
  const certificateDir = mkdtempSync(join(tmpdir(), 'authscale-e2e-tls-'));

  before(async () => {
    const tls = loopbackCertificate(certificateDir);
    sink = await startSmtpSink();
    stack = await startStack({
      orchestratorEnv: async (publicOrigin) => {
        provider = await startTestProvider({ redirectUri: `${publicOrigin}/auth/oidc/test/callback`, tls });
        const { issuer, clientId, clientSecret } = provider;
        return {
          OIDC_PROVIDERS: JSON.stringify([{ name: 'test', issuer, clientId, clientSecret }]),
          NODE_EXTRA_CA_CERTS: tls.certPath,
          SMTP_URL: sink.url,
          EMAIL_CODE_SIGN_IN: 'true',
        };
      },
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext();
    page = await context.newPage();
    const devtools = await context.newCDPSession(page);
    await devtools.send('WebAuthn.enable', {});
    await devtools.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.goto(`${stack.publicOrigin}/`);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await provider?.stop();
    await sink?.stop();
    rmSync(certificateDir, { recursive: true, force: true });
  });

  const status = () => page.locator('#status');
  const whoami = () => page.locator('#whoami');

  async function signInWithPassword() {
    await page.getByLabel('Email', { exact: true }).nth(1).fill(email);
    await page.locator('#login-password').fill(password);
    await page.getByRole('button', { name: 'Sign in with password' }).click();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await whoami().filter({ hasText: 'Not signed in.' }).waitFor();
  }

  it('signs up and signs in with a password', async () => {
    await page.locator('#signup-email').fill(email);
    await page.locator('#signup-password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await status().filter({ hasText: 'Account created' }).waitFor();
    await signInWithPassword();
    await whoami()
      .filter({ hasText: `Signed in as ${email}.` })
      .waitFor();
  });

  it('creates and lists a project', async () => {
    await page.locator('#project-name').fill('Apollo');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.locator('#projects li', { hasText: 'Apollo' }).waitFor();
  });

  it('enrols a passkey with the virtual authenticator', async () => {
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await status().filter({ hasText: 'Passkey added.' }).waitFor();
  });

  it('enrols TOTP and shows 10 recovery codes once', async () => {
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.locator('#totp-setup').waitFor({ state: 'visible' });
    const secret = (await page.locator('#totp-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.locator('#totp-code').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Activate' }).click();
    await status().filter({ hasText: 'Authenticator app activated.' }).waitFor();
    recoveryCodes = await page.locator('#recovery-codes li').allTextContents();
    assert.equal(recoveryCodes.length, 10);
  });

  it('asks for the second factor at the next password sign-in, and takes a recovery code once', async () => {
    await signOut();
    await signInWithPassword();
    await page.locator('#mfa-code').waitFor({ state: 'visible' });
    await page.locator('#mfa-code').fill(recoveryCodes[0] as string);
    await page.getByRole('button', { name: 'Verify' }).click();
    await whoami()
      .filter({ hasText: `Signed in as ${email}.` })
      .waitFor();

    await signOut();
    await signInWithPassword();
    await page.locator('#mfa-code').fill(recoveryCodes[0] as string);
    await page.getByRole('button', { name: 'Verify' }).click();
    await status().filter({ hasText: 'The credentials are invalid.' }).waitFor();
    assert.equal(await whoami().textContent(), 'Not signed in.');
  });

  it('signs in with the passkey, without a username', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await whoami()
      .filter({ hasText: `Signed in as ${email}.` })
      .waitFor();
    await page.locator('#projects li', { hasText: 'Apollo' }).waitFor();
  });

  it('lists sessions and signs out everywhere', async () => {
    await page.locator('#sessions li').first().waitFor();
    assert.ok((await page.locator('#sessions li').count()) >= 1);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await whoami().filter({ hasText: 'Not signed in.' }).waitFor();
  });

  it('signs in with the OpenID provider: a new account for the email it verified', async () => {
    const accountId = `oidc${randomBytes(4).toString('hex')}`;
    // The provider's certificate is self-signed; its login page pulls a web font we do not need.
    const oidcContext = await browser.newContext({ ignoreHTTPSErrors: true });
    await oidcContext.route(/^https:\/\/fonts\./, (route) => route.abort());
    const oidcPage = await oidcContext.newPage();
    await oidcPage.goto(`${stack.publicOrigin}/`);
    await oidcPage.getByRole('link', { name: 'Sign in with test' }).click();
    await oidcPage.locator('input[name="login"]').fill(accountId);
    await oidcPage.locator('input[name="password"]').fill('any');
    await oidcPage.getByRole('button', { name: 'Sign-in' }).click();
    await oidcPage.getByRole('button', { name: 'Continue' }).click();
    await oidcPage
      .locator('#whoami')
      .filter({ hasText: `Signed in as ${accountId}@example.test.` })
      .waitFor();
    assert.equal(new URL(oidcPage.url()).origin, stack.publicOrigin);
    await oidcContext.close();
  });

  /** The first message to `to` with `subject`, and its link that carries a token. */
  async function mailed(to: string, subject: string) {
    const message: SinkMessage = await sink.waitForMessage(
      (received) => received.to.includes(to) && received.subject === subject,
      { timeoutMs: 15_000 },
    );
    const link = message.links.find((url) => url.searchParams.has('token'));
    assert.ok(link);
    assert.equal(link.origin, stack.publicOrigin);
    return { message, link };
  }

  /** A new browser context with an account of its own, signed up on the page. */
  async function freshAccount(prefix: string) {
    const freshContext = await browser.newContext();
    const freshPage = await freshContext.newPage();
    const address = `${prefix}-${randomBytes(4).toString('hex')}@example.test`;
    await freshPage.goto(`${stack.publicOrigin}/`);
    await freshPage.locator('#signup-email').fill(address);
    await freshPage.locator('#signup-password').fill(password);
    await freshPage.getByRole('button', { name: 'Sign up' }).click();
    await freshPage.locator('#status').filter({ hasText: 'Account created' }).waitFor();
    return { freshContext, freshPage, address };
  }

  it('resets a forgotten password from the mailed link', async () => {
    const { freshContext, freshPage, address } = await freshAccount('reset');
    await freshPage.locator('#forgot-email').fill(address);
    await freshPage.getByRole('button', { name: 'Email me a reset link' }).click();
    await freshPage.locator('#status').filter({ hasText: 'a link to reset its password is on its way' }).waitFor();

    const { link } = await mailed(address, 'Reset your password');
    assert.equal(link.pathname, '/reset-password');
    await freshPage.goto(link.href);
    await freshPage.locator('#reset-password-card').waitFor({ state: 'visible' });
    assert.equal(new URL(freshPage.url()).search, '', 'the token left the address bar');
    const newPassword = `a new passphrase ${randomBytes(4).toString('hex')}`;
    await freshPage.locator('#reset-password').fill(newPassword);
    await freshPage.getByRole('button', { name: 'Set the new password' }).click();
    await freshPage.locator('#status').filter({ hasText: 'Your password was changed.' }).waitFor();

    await freshPage.locator('#login-email').fill(address);
    await freshPage.locator('#login-password').fill(password);
    await freshPage.getByRole('button', { name: 'Sign in with password' }).click();
    await freshPage.locator('#status').filter({ hasText: 'The credentials are invalid.' }).waitFor();
    await freshPage.locator('#login-password').fill(newPassword);
    await freshPage.getByRole('button', { name: 'Sign in with password' }).click();
    await freshPage
      .locator('#whoami')
      .filter({ hasText: `Signed in as ${address}.` })
      .waitFor();
    await freshContext.close();
  });

  it('confirms the address from the sign-up mail, then signs in with a code by email', async () => {
    const { freshContext, freshPage, address } = await freshAccount('code');
    const { link } = await mailed(address, 'Confirm your email address');
    assert.equal(link.pathname, '/verify-email');
    await freshPage.goto(link.href);
    await freshPage.locator('#status').filter({ hasText: 'Your email address is confirmed.' }).waitFor();

    await freshPage.locator('#email-code-email').fill(address);
    await freshPage.getByRole('button', { name: 'Email me a code' }).click();
    const { message } = await mailed(address, 'Your sign-in code');
    const code = /is (\d{6})\./.exec(message.text)?.[1];
    assert.ok(code);
    await freshPage.locator('#email-code-code').fill(code);
    await freshPage.getByRole('button', { name: 'Sign in with the code' }).click();
    await freshPage
      .locator('#whoami')
      .filter({ hasText: `Signed in as ${address}.` })
      .waitFor();
    await freshContext.close();
  });
});
