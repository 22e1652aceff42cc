import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from '@authscale/core';
import { startTestProvider, type TestProvider } from '@authscale/testkit/oidc-provider';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { apiKeyScopes } from '../../src/api-keys/api-key-scopes.ts';
import { allowInsecureLoopbackIssuer } from '../../src/oidc/allow-insecure-loopback-issuer.ts';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { invitationTokenFor, joinByInvitation } from '../fixtures/join-by-invitation.ts';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { signInAtProvider } from '../oidc/browser-session.ts';
import { createSoftwareAuthenticator } from '../passkeys/software-authenticator.ts';

interface DocumentedResponse {
  headers?: Record<string, { required?: boolean }>;
}
interface Operation {
  responses: Record<string, DocumentedResponse>;
}
interface Account {
  userId: string;
  tenantId: string;
  email: string;
  password: string;
  sessionId: string;
}
/** One request to an operation: its path parameters, query, body and caller. */
interface Example {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** A body sent as it is, with a JSON content type. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Over the account's own fresh sign-in; `null` sends no principal at all. */
  principal?: Partial<Principal> | null;
}

const publicOrigin = 'http://127.0.0.1:8080';
const redirectUri = `${publicOrigin}/auth/oidc/test/callback`;
const hex = () => randomBytes(4).toString('hex');
const now = () => Math.floor(Date.now() / 1000);

/**
 * Every answer a route gives is one its published responses list. Each operation of the document
 * is driven through `inject`: first a request that succeeds, then the same request without
 * credentials, with a sign-in an hour old, as an API key, as a stranger, with unknown ids in the
 * path, and with bodies that are empty, of the wrong type, not JSON, with a `__proto__` key or too
 * large. Each answer's status must be declared for that operation, a refusal must have the error
 * shape, and the headers the document marks required must be there. A route added without an
 * example below fails the first test, so no documented route goes undriven.
 */
describe('the answers every documented route gives', () => {
  let provider: TestProvider;
  let harness: Harness;
  let helpers: ReturnType<typeof accountHelpers>;
  let operations: Map<string, Operation>;
  let errorCodes: string[];
  let stranger: Account;

  before(async () => {
    provider = await startTestProvider({ redirectUri });
    harness = await startOrchestrator({
      env: { EMAIL_CODE_SIGN_IN: 'true', TOTP_EMAIL_RECOVERY_DELAY_SECONDS: '1' },
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
    helpers = accountHelpers(harness);
    const document = (await harness.app.inject({ url: '/openapi.json' })).json();
    operations = new Map(
      Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const),
      ),
    );
    errorCodes = document.components.schemas.ErrorBody.properties.error.properties.code.enum;
    stranger = await newAccount();
  });
  after(async () => {
    await harness.stop();
    await provider.stop();
  });

  async function newAccount(): Promise<Account> {
    const email = `answers-${hex()}@example.test`;
    const password = `a long passphrase ${hex()}`;
    const signup = await harness.app.inject({ method: 'POST', url: '/auth/signup', payload: { email, password } });
    assert.equal(signup.statusCode, 201);
    const { userId, tenantId } = signup.json() as { userId: string; tenantId: string };
    return { userId, tenantId, email, password, sessionId: `s-${hex()}` };
  }

  const principalOf = (account: Account): Partial<Principal> & { userId: string } => ({
    userId: account.userId,
    tenantId: account.tenantId,
    sessionId: account.sessionId,
    authTime: now(),
  });

  async function send(method: string, template: string, account: Account, example: Example) {
    const url =
      template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(example.params?.[name] ?? '')) +
      (example.query ?? '');
    const principal = example.principal === null ? null : { ...principalOf(account), ...example.principal };
    const headers = { ...(principal ? await asPrincipal(principal) : {}), ...example.headers };
    if (example.rawBody !== undefined) {
      return harness.app.inject({
        method: method as 'POST',
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: example.rawBody,
      });
    }
    return harness.app.inject({
      method: method as 'POST',
      url,
      headers,
      ...(example.body === undefined ? {} : { payload: example.body as object }),
    });
  }

  /** A request made to set an example up: it must succeed, and is not itself checked here. */
  async function setup(method: string, url: string, account?: Account, body?: unknown) {
    const response = await send(method, url, account ?? stranger, {
      ...(account ? {} : { principal: null }),
      ...(body === undefined ? {} : { body }),
    });
    assert.ok(response.statusCode < 400, `${method} ${url} for an example: ${response.statusCode} ${response.body}`);
    return response;
  }

  async function member(account: Account) {
    const joining = await newAccount();
    await joinByInvitation(harness, {
      tenantId: account.tenantId,
      inviterId: account.userId,
      invitee: joining,
      role: 'member',
    });
    return joining;
  }

  /**
   * The token of the `nth` link to `path` mailed to `email`. Mail leaves after the answer, so the
   * sign-up's own verification link may still be on its way when the example asks for another.
   */
  async function mailedToken(email: string, path: string, nth: number) {
    const message = await harness.mailSink.waitForMessage(
      ({ to, tokenLink }) => to.includes(email) && tokenLink?.pathname === path,
      { nth },
    );
    return message.token as string;
  }

  const newAuthenticator = () =>
    createSoftwareAuthenticator({ origin: publicOrigin, rpId: new URL(publicOrigin).hostname });

  /** A TOTP removal link for a verified account with TOTP, once its one-second wait is over. */
  async function totpRemovalLink(account: Account) {
    await setup('POST', '/auth/email/verify', undefined, {
      token: await mailedToken(account.email, '/verify-email', 1),
    });
    await helpers.enrolTotp(account.userId);
    await setup('POST', '/auth/totp/email-recovery/request', undefined, { email: account.email });
    const token = await mailedToken(account.email, '/recover-totp', 1);
    await sleep(1100);
    return token;
  }

  /** A request each operation succeeds with, for a fresh account of its own. */
  const examples: Record<string, (account: Account) => Promise<Example>> = {
    'GET /.well-known/jwks.json': async () => ({ principal: null }),
    'GET /healthz': async () => ({ principal: null }),
    'GET /readyz': async () => ({ principal: null }),
    'POST /auth/signup': async () => ({
      principal: null,
      body: { email: `new-${hex()}@example.test`, password: `a new passphrase ${hex()}` },
    }),
    'POST /auth/login': async ({ email, password }) => ({ principal: null, body: { email, password } }),
    'POST /auth/totp/enroll': async () => ({}),
    'POST /auth/totp/activate': async (account) => {
      const { secret } = (await setup('POST', '/auth/totp/enroll', account)).json();
      return { body: { code: await generate({ secret }) } };
    },
    'POST /auth/mfa/totp': async (account) => {
      const { recoveryCodes } = await helpers.enrolTotp(account.userId);
      const { mfaToken } = (await helpers.login(account.email, account.password)).json();
      return { principal: null, body: { mfaToken, code: recoveryCodes[0] } };
    },
    'POST /auth/step-up/totp': async (account) => {
      const { recoveryCodes } = await helpers.enrolTotp(account.userId);
      return { body: { code: recoveryCodes[0] } };
    },
    'DELETE /auth/totp': async (account) => {
      await helpers.enrolTotp(account.userId);
      return {};
    },
    'POST /auth/totp/recovery-codes': async (account) => {
      await helpers.enrolTotp(account.userId);
      return {};
    },
    'POST /auth/passkeys/register/options': async () => ({}),
    'POST /auth/passkeys/register/verify': async (account) => {
      const { flowId, options } = (await setup('POST', '/auth/passkeys/register/options', account)).json();
      return { body: { flowId, response: newAuthenticator().register(options) } };
    },
    'POST /auth/passkeys/login/options': async () => ({ principal: null }),
    'POST /auth/passkeys/login/verify': async (account) => {
      const authenticator = await helpers.registerPasskey(account.userId);
      const { flowId, options } = (await setup('POST', '/auth/passkeys/login/options')).json();
      return { principal: null, body: { flowId, response: authenticator.authenticate(options) } };
    },
    'POST /auth/step-up/passkey/options': async (account) => {
      await helpers.registerPasskey(account.userId);
      return {};
    },
    'POST /auth/step-up/passkey/verify': async (account) => {
      const authenticator = await helpers.registerPasskey(account.userId);
      const { flowId, options } = (await setup('POST', '/auth/step-up/passkey/options', account)).json();
      return { body: { flowId, response: authenticator.authenticate(options) } };
    },
    'GET /auth/passkeys': async () => ({}),
    'DELETE /auth/passkeys/{id}': async (account) => {
      await helpers.registerPasskey(account.userId);
      const [passkey] = (await setup('GET', '/auth/passkeys', account)).json().passkeys;
      return { params: { id: passkey.id } };
    },
    'GET /auth/oidc/providers': async () => ({ principal: null }),
    'GET /auth/oidc/{provider}/start': async () => ({ principal: null, params: { provider: 'test' } }),
    'POST /auth/oidc/{provider}/link': async () => ({ params: { provider: 'test' } }),
    'GET /auth/oidc/{provider}/callback': async () => {
      const started = await setup('GET', '/auth/oidc/test/start');
      const back = await signInAtProvider({
        authorizationUrl: String(started.headers.location),
        redirectUri,
        accountId: `oidc${hex()}`,
      });
      const flowCookie = String(started.headers['set-cookie']).split(';')[0] as string;
      return { principal: null, params: { provider: 'test' }, query: back.search, headers: { cookie: flowCookie } };
    },
    'GET /auth/sessions': async () => ({}),
    'DELETE /auth/sessions': async () => ({}),
    'DELETE /auth/sessions/{id}': async (account) => {
      const { sessionId } = (await helpers.login(account.email, account.password)).json();
      return { params: { id: sessionId }, principal: { sessionId } };
    },
    'PUT /auth/password': async ({ password }) => ({
      body: { currentPassword: password, newPassword: `another passphrase ${hex()}` },
    }),
    'PUT /auth/email': async () => ({ body: { email: `moved-${hex()}@example.test` } }),
    'POST /auth/email/change': async (account) => {
      const email = `moved-${hex()}@example.test`;
      await setup('PUT', '/auth/email', account, { email });
      return { principal: null, body: { token: await mailedToken(email, '/confirm-email-change', 1) } };
    },
    'POST /auth/email/verify/request': async () => ({}),
    'POST /auth/email/verify': async (account) => {
      await setup('POST', '/auth/email/verify/request', account);
      // The second link: the one the request sent, after the sign-up's, which it voided.
      return { principal: null, body: { token: await mailedToken(account.email, '/verify-email', 2) } };
    },
    'POST /auth/password/reset/request': async ({ email }) => ({ principal: null, body: { email } }),
    'POST /auth/password/reset': async (account) => {
      await setup('POST', '/auth/password/reset/request', undefined, { email: account.email });
      const token = await mailedToken(account.email, '/reset-password', 1);
      return { principal: null, body: { token, password: `reset passphrase ${hex()}` } };
    },
    'GET /auth/email-code': async () => ({ principal: null }),
    'POST /auth/email-code/request': async ({ email }) => ({ principal: null, body: { email } }),
    'POST /auth/email-code/verify': async (account) => {
      await setup('POST', '/auth/email/verify', undefined, {
        token: await mailedToken(account.email, '/verify-email', 1),
      });
      await setup('POST', '/auth/email-code/request', undefined, { email: account.email });
      return { principal: null, body: { token: await mailedToken(account.email, '/sign-in-by-email', 1) } };
    },
    'POST /auth/totp/email-recovery/request': async ({ email }) => ({ principal: null, body: { email } }),
    'POST /auth/totp/email-recovery/confirm': async (account) => ({
      principal: null,
      body: { token: await totpRemovalLink(account) },
    }),
    'POST /auth/totp/email-recovery/cancel': async (account) => ({
      principal: null,
      body: { token: await totpRemovalLink(account) },
    }),
    'POST /auth/logout': async ({ email, password }) => ({
      principal: { sessionId: (await helpers.login(email, password)).json().sessionId },
    }),
    'POST /auth/token/refresh': async ({ email, password }) => ({
      principal: null,
      body: { refreshToken: (await helpers.login(email, password)).json().refreshToken },
    }),
    'GET /me': async () => ({}),
    'GET /api/projects': async () => ({}),
    'POST /api/projects': async () => ({ body: { name: 'a project' } }),
    'GET /api/tenants': async () => ({}),
    'POST /api/tenants': async () => ({ body: { name: 'a tenant' } }),
    'GET /api/tenants/{tenantId}/members': async ({ tenantId }) => ({ params: { tenantId } }),
    'GET /api/tenants/{tenantId}/invitations': async ({ tenantId }) => ({ params: { tenantId } }),
    'POST /api/tenants/{tenantId}/invitations': async ({ tenantId }) => ({
      params: { tenantId },
      body: { email: `invited-${hex()}@example.test`, role: 'member' },
    }),
    'DELETE /api/tenants/{tenantId}/invitations/{invitationId}': async (account) => {
      const url = `/api/tenants/${account.tenantId}/invitations`;
      await setup('POST', url, account, { email: `revoked-${hex()}@example.test`, role: 'member' });
      const [invitation] = (await setup('GET', url, account)).json().invitations;
      return { params: { tenantId: account.tenantId, invitationId: invitation.id } };
    },
    'POST /api/invitations/accept': async (account) => {
      const inviter = await newAccount();
      const url = `/api/tenants/${inviter.tenantId}/invitations`;
      await setup('POST', url, inviter, { email: account.email, role: 'member' });
      await harness.identity.users.markEmailVerified(account);
      return { body: { token: await invitationTokenFor(harness, account.email) } };
    },
    'PATCH /api/tenants/{tenantId}/members/{userId}': async (account) => ({
      params: { tenantId: account.tenantId, userId: (await member(account)).userId },
      body: { role: 'admin' },
    }),
    'DELETE /api/tenants/{tenantId}/members/{userId}': async (account) => ({
      params: { tenantId: account.tenantId, userId: (await member(account)).userId },
    }),
    'GET /api/tenants/{tenantId}/audit-events': async ({ tenantId }) => ({ params: { tenantId }, query: '?limit=10' }),
    'GET /api/tenants/{tenantId}/api-keys': async ({ tenantId }) => ({ params: { tenantId } }),
    'POST /api/tenants/{tenantId}/api-keys': async ({ tenantId }) => ({
      params: { tenantId },
      body: { name: 'ci', scopes: ['projects:read'] },
    }),
    'DELETE /api/tenants/{tenantId}/api-keys/{keyId}': async (account) => {
      const url = `/api/tenants/${account.tenantId}/api-keys`;
      const { keyId } = (await setup('POST', url, account, { name: 'ci', scopes: ['projects:read'] })).json();
      return { params: { tenantId: account.tenantId, keyId } };
    },
    'GET /api/tenants/{tenantId}/webhooks': async ({ tenantId }) => ({ params: { tenantId } }),
    'POST /api/tenants/{tenantId}/webhooks': async ({ tenantId }) => ({
      params: { tenantId },
      body: { url: 'https://hooks.example.test/in', eventTypes: ['user.disabled'] },
    }),
    'POST /api/tenants/{tenantId}/webhooks/{webhookId}/rotate-secret': async (account) => ({
      params: { tenantId: account.tenantId, webhookId: await webhook(account) },
    }),
    'DELETE /api/tenants/{tenantId}/webhooks/{webhookId}': async (account) => ({
      params: { tenantId: account.tenantId, webhookId: await webhook(account) },
    }),
    'GET /api/tenants/{tenantId}/webhooks/{webhookId}/deliveries': async (account) => ({
      params: { tenantId: account.tenantId, webhookId: await webhook(account) },
      query: '?state=dead',
    }),
  };

  /** A webhook of the account's tenant, made as its owner would. */
  const webhook = async (account: Account): Promise<string> =>
    (
      await setup('POST', `/api/tenants/${account.tenantId}/webhooks`, account, {
        url: 'https://hooks.example.test/in',
        eventTypes: ['user.disabled'],
      })
    ).json().id;

  /** Path parameters that name nothing: well-formed, so the route itself has to answer. */
  const unknownParams: Record<string, () => string> = {
    tenantId: randomUUID,
    userId: randomUUID,
    invitationId: randomUUID,
    keyId: () => `ak_${'x'.repeat(16)}`,
    webhookId: randomUUID,
    id: () => `unknown-${hex()}`,
    provider: () => 'unknown',
  };

  /** Another caller of a route that has one: the edge sends no principal on a public route. */
  const asCaller =
    (caller: (example: Example, account: Account) => Partial<Principal>) => (example: Example, account: Account) =>
      example.principal === null ? undefined : { ...example, principal: caller(example, account) };

  /** The same request, changed in one way each, after it has succeeded once. */
  const variants: [string, (example: Example, account: Account, method: string) => Example | undefined][] = [
    ['without credentials', (example) => ({ ...example, principal: null })],
    ['signed in an hour ago', asCaller((example) => ({ ...example.principal, authTime: now() - 3600 }))],
    [
      'as an API key of the tenant',
      asCaller((_example, account) => ({
        userId: `ak_${hex()}`,
        sessionId: `ak_${hex()}`,
        tenantId: account.tenantId,
        kind: 'api_key',
        scopes: [...apiKeyScopes],
        amr: [],
        acr: 'api_key',
        authTime: 0,
      })),
    ],
    ['as someone else', asCaller(() => principalOf(stranger))],
    [
      'with unknown ids in the path',
      (example) =>
        example.params
          ? {
              ...example,
              params: Object.fromEntries(
                Object.keys(example.params).map((name) => [name, unknownParams[name]?.() ?? 'unknown']),
              ),
            }
          : undefined,
    ],
    ['with an empty body', (example, _account, method) => (method === 'GET' ? undefined : { ...example, body: {} })],
    [
      'with a body of the wrong type',
      (example, _account, method) => (method === 'GET' ? undefined : { ...example, body: [1] }),
    ],
    [
      'with a body that is not JSON',
      (example, _account, method) => (method === 'GET' ? undefined : { ...example, rawBody: '{"' }),
    ],
    [
      'with a __proto__ key in the body',
      (example, _account, method) =>
        method === 'GET' ? undefined : { ...example, rawBody: '{"response":{"__proto__":{"admin":true}}}' },
    ],
    [
      'with a body past the limit',
      (example, _account, method) =>
        method === 'GET' ? undefined : { ...example, rawBody: JSON.stringify({ padding: 'x'.repeat(70_000) }) },
    ],
  ];

  /** What is wrong with one answer, measured against the operation's documented responses. */
  function problemsWith(label: string, operation: Operation, response: LightMyRequestResponse): string[] {
    const status = response.statusCode;
    const declared = operation.responses[String(status)];
    if (!declared) return [`${label}: answered ${status}, which the document does not list`];
    const problems: string[] = [];
    if (status >= 500) problems.push(`${label}: answered ${status}: ${response.body}`);
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      if (header.required && response.headers[name.toLowerCase()] === undefined) {
        problems.push(`${label}: answered ${status} without its ${name} header`);
      }
    }
    if (status >= 400) {
      const error = (response.json() as { error?: { code?: string; message?: unknown } }).error;
      if (!errorCodes.includes(error?.code ?? '') || typeof error?.message !== 'string') {
        problems.push(`${label}: answered ${status} without the error shape: ${response.body}`);
      }
    }
    return problems;
  }

  it('has an example for every documented operation, and none for an operation the document lacks', () => {
    assert.deepEqual([...operations.keys()].sort(), Object.keys(examples).sort());
  });

  for (const [key, exampleFor] of Object.entries(examples)) {
    it(`${key}: every answer is one the document lists`, async () => {
      const operation = operations.get(key);
      assert.ok(operation, `${key} is documented`);
      const [method, template] = key.split(' ') as [string, string];
      const account = await newAccount();
      const example = await exampleFor(account);
      const succeeded = await send(method, template, account, example);
      const problems = problemsWith('the example', operation, succeeded);
      if (succeeded.statusCode >= 400) problems.push(`the example failed: ${succeeded.statusCode} ${succeeded.body}`);
      for (const [label, vary] of variants) {
        const varied = vary(example, account, method);
        if (varied) problems.push(...problemsWith(label, operation, await send(method, template, account, varied)));
      }
      assert.deepEqual(problems, []);
    });
  }
});
