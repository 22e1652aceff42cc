import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { LightMyRequestResponse } from 'fastify';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { type AdminApiHarness, startAdminApi } from '../fixtures/admin-api-harness.ts';

const committedDocument = new URL('../../../../docs/admin-openapi.json', import.meta.url);

describe('the admin API', () => {
  let harness: AdminApiHarness;
  let helpers: ReturnType<typeof accountHelpers>;
  let everything: Awaited<ReturnType<AdminApiHarness['keyWith']>>;

  const admin = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string> = everything.headers,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    harness.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const auditRowsOf = async (keyId: string) =>
    (
      await harness.superuser.query<{ type: string; user_id: string | null; detail: Record<string, unknown> }>(
        `SELECT type, user_id, detail FROM audit_events WHERE detail->>'operatorKeyId' = $1 ORDER BY id`,
        [keyId],
      )
    ).rows;

  before(async () => {
    harness = await startAdminApi();
    helpers = accountHelpers(harness.orchestrator);
    everything = await harness.keyWith('users:read', 'users:write', 'tenants:read', 'audit:read', 'webhooks:write');
  });
  after(() => harness.stop());

  it('refuses a request without a key, with an unknown or revoked key, and outside its scopes', async () => {
    assert.equal((await admin('GET', '/admin/users', {})).statusCode, 401);
    const made = `aso_${randomBytes(32).toString('base64url')}`;
    assert.equal((await admin('GET', '/admin/users', { authorization: `Bearer ${made}` })).statusCode, 401);
    const reader = await harness.keyWith('users:read');
    assert.equal((await admin('GET', '/admin/users', reader.headers)).statusCode, 200);
    const refused = await admin('POST', '/admin/users', reader.headers, { email: 'x@example.com' });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    assert.equal((await admin('GET', '/admin/audit-events', reader.headers)).statusCode, 403);
    await harness.deps.operatorKeys.revoke({ keyId: reader.keyId });
    assert.equal((await admin('GET', '/admin/users', reader.headers)).statusCode, 401);
    // A tenant API key is not an operator key.
    assert.equal(
      (await admin('GET', '/admin/users', { authorization: `Bearer ask_${'a'.repeat(43)}` })).statusCode,
      401,
    );
  });

  it('will not start with a route that names no scope', async () => {
    const { buildAdminApp } = await import('../../src/admin/build-admin-app.ts');
    const { createService } = await import('@authscale/core');
    const { operatorAuthPlugin } = await import('../../src/admin/operator-auth-plugin.ts');
    assert.ok(buildAdminApp);
    const app = await createService({ name: 'probe', logLevel: 'silent' });
    await app.register(operatorAuthPlugin, { keys: harness.deps.operatorKeys, identity: harness.deps.identity });
    await assert.rejects(
      (async () => {
        app.get('/admin/unscoped', async () => ({}));
        await app.ready();
      })(),
      /names no known operatorScope/,
    );
    await app.close().catch(() => {});
  });

  it('searches by address prefix a page at a time, and by id', async () => {
    const prefix = `search-${randomBytes(3).toString('hex')}`;
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const created = await admin('POST', '/admin/users', everything.headers, { email: `${prefix}-${n}@example.com` });
      assert.equal(created.statusCode, 201);
      ids.push(created.json().userId);
    }
    const first = (await admin('GET', `/admin/users?email=${prefix}&limit=2`)).json();
    assert.deepEqual(
      first.users.map((user: { email: string }) => user.email),
      [`${prefix}-1@example.com`, `${prefix}-2@example.com`],
    );
    assert.equal(first.next, `${prefix}-2@example.com`);
    const second = (
      await admin('GET', `/admin/users?email=${prefix}&limit=2&after=${encodeURIComponent(first.next)}`)
    ).json();
    assert.deepEqual(
      second.users.map((user: { id: string }) => user.id),
      [ids[2]],
    );
    assert.equal(second.next, null);
    const byId = (await admin('GET', `/admin/users?id=${ids[1]}`)).json();
    assert.deepEqual(
      byId.users.map((user: { email: string }) => user.email),
      [`${prefix}-2@example.com`],
    );
    // LIKE's wildcards in the prefix are literal characters.
    assert.deepEqual((await admin('GET', '/admin/users?email=%25')).json().users, []);
  });

  it('shows one account with its factors, tenants and live sessions', async () => {
    const account = await helpers.signUp();
    assert.equal((await helpers.login(account.email, account.password)).statusCode, 200);
    await helpers.enrolTotp(account.userId);
    const detail = await admin('GET', `/admin/users/${account.userId}`);
    assert.equal(detail.statusCode, 200);
    const user = detail.json();
    assert.equal(user.email, account.email);
    assert.deepEqual(user.factors, { password: true, passkeys: 0, totp: true, oidcIssuers: [] });
    assert.equal(user.memberships.length, 1);
    assert.equal(user.memberships[0].role, 'owner');
    assert.equal(user.sessions, 1);
    assert.equal((await admin('GET', `/admin/users/${crypto.randomUUID()}`)).statusCode, 404);
  });

  it('creates an account and invites its holder, whose link sets the first password', async () => {
    const email = `invited-${randomBytes(3).toString('hex')}@example.com`;
    const created = await admin('POST', '/admin/users', everything.headers, {
      email,
      invite: true,
      emailVerified: true,
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().invited, true);
    const again = await admin('POST', '/admin/users', everything.headers, { email: email.toUpperCase() });
    assert.equal(again.statusCode, 409);
    const mail = await harness.orchestrator.mailSink.waitForMessage((message) => message.to.includes(email));
    assert.match(mail.subject, /account was created/);
    assert.ok(mail.token);
    // Nobody can sign in until the link is used: the account's password is one nobody knows.
    const password = 'an invited passphrase of length';
    assert.equal((await helpers.login(email, password)).statusCode, 401);
    const set = await helpers.call('POST', '/auth/password/reset', {}, { token: mail.token, password });
    assert.equal(set.statusCode, 204);
    assert.equal((await helpers.login(email, password)).statusCode, 200);
    const user = (await admin('GET', `/admin/users/${created.json().userId}`)).json();
    assert.equal(user.emailVerified, true);
  });

  it('disables an account, ending its sessions and refresh tokens, and enables it again', async () => {
    const account = await helpers.signUp();
    const signedIn = (await helpers.login(account.email, account.password)).json();
    const disabled = await admin('POST', `/admin/users/${account.userId}/disable`, everything.headers, {
      reason: 'ticket 4711',
    });
    assert.equal(disabled.statusCode, 200);
    assert.deepEqual(disabled.json(), { userId: account.userId, disabled: true, changed: true, sessionsRevoked: 1 });
    assert.equal((await helpers.login(account.email, account.password)).statusCode, 401);
    const refresh = await helpers.call('POST', '/auth/token/refresh', {}, { refreshToken: signedIn.refreshToken });
    assert.equal(refresh.statusCode, 401);
    const repeat = await admin('POST', `/admin/users/${account.userId}/disable`, everything.headers, {
      reason: 'again',
    });
    assert.equal(repeat.json().changed, false);
    const enabled = await admin('POST', `/admin/users/${account.userId}/enable`);
    assert.deepEqual(enabled.json(), { userId: account.userId, disabled: false, changed: true, sessionsRevoked: 0 });
    assert.equal((await helpers.login(account.email, account.password)).statusCode, 200);
    const audited = await harness.superuser.query(
      `SELECT type, detail FROM audit_events WHERE user_id = $1 AND type IN ('user.disabled', 'user.enabled') ORDER BY id`,
      [account.userId],
    );
    assert.deepEqual(
      audited.rows.map((row) => [row.type, row.detail.operatorKeyId, row.detail.reason]),
      [
        ['user.disabled', everything.keyId, 'ticket 4711'],
        ['user.enabled', everything.keyId, undefined],
      ],
    );
  });

  it('resets every second factor, so the password alone signs in again', async () => {
    const account = await helpers.signUp();
    await helpers.enrolTotp(account.userId);
    await helpers.registerPasskey(account.userId);
    assert.equal((await helpers.login(account.email, account.password)).json().mfaRequired, true);
    const reset = await admin('POST', `/admin/users/${account.userId}/mfa/reset`);
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(reset.json(), { passkeysRemoved: 1, totpRemoved: true });
    const login = (await helpers.login(account.email, account.password)).json();
    assert.equal(login.mfaRequired, undefined);
    assert.ok(login.accessToken);
  });

  it('revokes every session of an account', async () => {
    const account = await helpers.signUp();
    await helpers.login(account.email, account.password);
    await helpers.login(account.email, account.password);
    const revoked = await admin('POST', `/admin/users/${account.userId}/sessions/revoke`);
    assert.deepEqual(revoked.json(), { sessionsRevoked: 2 });
    assert.deepEqual(await harness.orchestrator.sessions.list(account.userId), []);
  });

  it('forces a password reset: the old password stops working and a link is mailed', async () => {
    const account = await helpers.signUp();
    const signedIn = (await helpers.login(account.email, account.password)).json();
    const forced = await admin('POST', `/admin/users/${account.userId}/password/reset`);
    assert.equal(forced.statusCode, 200);
    assert.deepEqual(forced.json(), { sessionsRevoked: 1, mailed: true });
    assert.equal((await helpers.login(account.email, account.password)).statusCode, 401);
    assert.equal(
      (await helpers.call('POST', '/auth/token/refresh', {}, { refreshToken: signedIn.refreshToken })).statusCode,
      401,
    );
    const mail = await harness.orchestrator.mailSink.waitForMessage(
      (message) => message.to.includes(account.email) && /Reset your password/.test(message.subject),
    );
    const password = 'a brand new passphrase here';
    assert.equal(
      (await helpers.call('POST', '/auth/password/reset', {}, { token: mail.token, password })).statusCode,
      204,
    );
    assert.equal((await helpers.login(account.email, password)).statusCode, 200);
  });

  it('erases an account on request, with a key that holds users:erase and no other', async () => {
    const account = await helpers.signUp();
    await helpers.login(account.email, account.password);
    const body = { reason: 'erasure request 88' };
    const refused = await admin('POST', `/admin/users/${account.userId}/erase`, everything.headers, body);
    assert.equal(refused.statusCode, 403);
    const eraser = await harness.keyWith('users:erase');
    const erased = await admin('POST', `/admin/users/${account.userId}/erase`, eraser.headers, body);
    assert.equal(erased.statusCode, 200);
    assert.equal(erased.json().outcome, 'erased');
    assert.equal(erased.json().verified, true);
    assert.equal((await admin('GET', `/admin/users/${account.userId}`)).statusCode, 404);
    assert.equal((await helpers.login(account.email, account.password)).statusCode, 401);
    const tombstone = await harness.superuser.query(
      `SELECT detail FROM audit_events WHERE user_id = $1 AND type = 'user.erased'`,
      [account.userId],
    );
    assert.deepEqual(tombstone.rows[0]?.detail, { operatorId: eraser.keyId, reason: body.reason });
    const again = await admin('POST', `/admin/users/${account.userId}/erase`, eraser.headers, body);
    assert.equal(again.json().outcome, 'already_erased');
  });

  it('lists tenants a page at a time and shows one with its members', async () => {
    const account = await helpers.signUp();
    const tenantId = (await admin('GET', `/admin/users/${account.userId}`)).json().memberships[0].tenantId;
    const tenant = await admin('GET', `/admin/tenants/${tenantId}`);
    assert.equal(tenant.statusCode, 200);
    assert.deepEqual(
      tenant.json().memberships.map((member: { userId: string; role: string }) => [member.userId, member.role]),
      [[account.userId, 'owner']],
    );
    const seen = new Set<string>();
    let after = '';
    for (;;) {
      const page = (await admin('GET', `/admin/tenants?limit=2${after ? `&after=${after}` : ''}`)).json();
      for (const { id } of page.tenants) seen.add(id);
      if (!page.next) break;
      after = page.next;
    }
    assert.ok(seen.has(tenantId));
    assert.equal((await admin('GET', `/admin/tenants/${crypto.randomUUID()}`)).statusCode, 404);
  });

  it('exports the audit trail as JSON lines, in order, a page at a time, from a minute ago back', async () => {
    const marker = `export-${randomBytes(3).toString('hex')}`;
    // Written a while ago, as the settled part of the trail is; the newest is still settling.
    await harness.superuser.query(
      `INSERT INTO audit_events (type, occurred_at, ip, detail)
       SELECT 'login.failed', now() - interval '10 minutes' + n * interval '1 second', '192.0.2.1', jsonb_build_object('marker', $1::text, 'n', n)
       FROM generate_series(1, 5) n`,
      [marker],
    );
    await harness.superuser.query(
      `INSERT INTO audit_events (type, detail) VALUES ('login.failed', jsonb_build_object('marker', $1::text, 'n', 6))`,
      [marker],
    );
    const since = new Date(Date.now() - 11 * 60_000).toISOString();
    const lines: Array<{ id: string; ip: string; detail: { marker?: string; n?: number } }> = [];
    let url = `/admin/audit-events?since=${since}&limit=2`;
    for (let pages = 0; pages < 1000; pages++) {
      const response = await admin('GET', url);
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
      lines.push(
        ...response.body
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      );
      const next = /<([^>]+)>; rel="next"/.exec(String(response.headers.link ?? ''))?.[1];
      if (!next) break;
      url = `${next}&since=${since}`;
    }
    const mine = lines.filter((line) => line.detail.marker === marker);
    assert.deepEqual(
      mine.map((line) => line.detail.n),
      [1, 2, 3, 4, 5],
    );
    assert.equal(mine[0]?.ip, '192.0.2.1');
    // Any RFC 3339 offset, though Postgres takes none past 15:59.
    assert.equal((await admin('GET', '/admin/audit-events?since=2000-01-01T00:00:00-18:51&limit=1')).statusCode, 200);
    const ids = lines.map((line) => BigInt(line.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it('manages platform-wide webhooks, which no tenant sees', async () => {
    const created = await admin('POST', '/admin/webhooks', everything.headers, {
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['user.created'],
    });
    assert.equal(created.statusCode, 201);
    const { id, secret } = created.json();
    assert.match(secret, /^whsec_/);
    assert.deepEqual(
      (await admin('GET', '/admin/webhooks')).json().webhooks.map((hook: { id: string }) => hook.id),
      [id],
    );
    const rotated = await admin('POST', `/admin/webhooks/${id}/rotate-secret`);
    assert.notEqual(rotated.json().secret, secret);
    assert.ok(rotated.json().previousSecretExpiresAt);
    assert.equal((await admin('GET', `/admin/webhooks/${id}/deliveries`)).statusCode, 200);
    const account = await helpers.signUp();
    const tenantId = (await admin('GET', `/admin/users/${account.userId}`)).json().memberships[0].tenantId;
    const tenantView = await harness.orchestrator.identity.withTenant(tenantId, (scope) => scope.webhooks.list());
    assert.deepEqual(tenantView, []);
    assert.equal((await admin('DELETE', `/admin/webhooks/${id}`)).statusCode, 204);
    assert.equal((await admin('DELETE', `/admin/webhooks/${id}`)).statusCode, 404);
    assert.equal((await admin('GET', `/admin/webhooks/${id}/deliveries`)).statusCode, 404);
  });

  it('audits every request an operator makes with the key and its holder, refusals too', async () => {
    const key = await harness.keyWith('users:read');
    const account = await helpers.signUp();
    await admin('GET', `/admin/users/${account.userId}`, key.headers);
    await admin('POST', `/admin/users/${account.userId}/disable`, key.headers, { reason: 'not allowed' });
    const rows = await auditRowsOf(key.keyId);
    assert.deepEqual(
      rows.map((row) => [row.type, row.detail.subjectUserId, row.detail.operator, row.detail.route, row.detail.status]),
      [
        ['admin.request', account.userId, key.operator, '/admin/users/:userId', 200],
        ['admin.request', account.userId, key.operator, '/admin/users/:userId/disable', 403],
      ],
    );
  });

  it('serves its own OpenAPI document, valid, committed under docs/ (npm run openapi rewrites it)', async () => {
    const document = (await admin('GET', '/admin/openapi.json', {})).json();
    assert.equal(document.info.title, 'authscale admin API');
    assert.match(document.paths['/admin/users/{userId}/disable'].post.description, /users:write/);
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/auth/')));
    const validation = await new Validator().validate(document);
    assert.equal(validation.valid, true, JSON.stringify(validation.errors));
    const current = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.AUTHSCALE_WRITE_OPENAPI === 'true') writeFileSync(committedDocument, current);
    assert.equal(
      readFileSync(committedDocument, 'utf8'),
      current,
      'docs/admin-openapi.json is stale: run npm run openapi',
    );
  });
});
