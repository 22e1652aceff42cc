import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCommand } from '../fixtures/admin-command.ts';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { createSoftwareAuthenticator } from '../passkeys/software-authenticator.ts';

const _root = new URL('../../../../', import.meta.url).pathname;
const password = 'a perfectly long passphrase';

describe('the disable-user operator command', () => {
  let harness: Harness;

  /** The CLI as an operator runs it: its own process, configured like the orchestrator. */
  const admin = (...args: string[]) => adminCommand(harness)(...args);
  const post = (url: string, payload: unknown) =>
    harness.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const signIn = async (email: string) => {
    const response = await post('/auth/login', { email, password });
    assert.equal(response.statusCode, 200);
    const cookie = /__Host-authscale_session=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1];
    assert.ok(cookie);
    return { ...(response.json() as { refreshToken: string; sessionId: string }), cookie };
  };

  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  it("ends the user's sessions, cookies and refresh tokens at once and refuses their sign-in", async () => {
    const mallory = (await post('/auth/signup', { email: 'mallory@example.com', password })).json();
    await post('/auth/signup', { email: 'bystander@example.com', password });
    const [laptop, phone, other] = await Promise.all([
      signIn('mallory@example.com'),
      signIn('mallory@example.com'),
      signIn('bystander@example.com'),
    ]);
    // The phone has already refreshed once: its current token is a rotated successor.
    const rotated = await post('/auth/token/refresh', { refreshToken: phone.refreshToken });
    assert.equal(rotated.statusCode, 200);
    assert.ok(await harness.sessions.validate(laptop.cookie));

    const output = await admin('disable-user', 'Mallory@Example.com', '--reason', 'account compromised');
    assert.deepEqual(JSON.parse(output), { disabled: true, userId: mallory.userId, sessionsRevoked: 2 });

    // The cookie is what the edge validates against the replicas; both are gone.
    assert.equal(await harness.sessions.validate(laptop.cookie), null);
    assert.equal(await harness.sessions.validate(phone.cookie), null);
    for (const refreshToken of [laptop.refreshToken, rotated.json().refreshToken]) {
      const refreshed = await post('/auth/token/refresh', { refreshToken });
      assert.equal(refreshed.statusCode, 401);
    }
    const login = await post('/auth/login', { email: 'mallory@example.com', password });
    assert.equal(login.json().error.code, 'invalid_credentials');
    // A principal the edge asserted a moment before still gets nowhere in the tenant.
    const tenantRequest = await harness.app.inject({
      method: 'GET',
      url: '/api/projects',
      headers: await asPrincipal({ userId: mallory.userId, tenantId: mallory.tenantId }),
    });
    assert.equal(tenantRequest.statusCode, 403);

    assert.ok(await harness.sessions.validate(other.cookie));
    assert.equal((await post('/auth/token/refresh', { refreshToken: other.refreshToken })).statusCode, 200);

    // Running it again is harmless: nothing left to revoke.
    const again = JSON.parse(await admin('disable-user', 'mallory@example.com', '--reason', 'account compromised'));
    assert.equal(again.sessionsRevoked, 0);
  });

  it("deletes the user's pending passkey challenges, and an in-flight registration registers nothing", async () => {
    const victim = (await post('/auth/signup', { email: 'trent@example.com', password })).json();
    const bystander = (await post('/auth/signup', { email: 'walter@example.com', password })).json();
    const authenticator = createSoftwareAuthenticator({
      origin: harness.config.PUBLIC_ORIGIN,
      rpId: new URL(harness.config.PUBLIC_ORIGIN).hostname,
    });
    const begin = async (userId: string) => {
      const headers = await asPrincipal({ userId, authTime: Math.floor(Date.now() / 1000) });
      const options = await harness.app.inject({ method: 'POST', url: '/auth/passkeys/register/options', headers });
      assert.equal(options.statusCode, 200);
      return { headers, ...(options.json() as { flowId: string; options: never }) };
    };
    const pending = await begin(victim.userId);
    const othersPending = await begin(bystander.userId);
    const challenge = (flowId: string) => harness.identity.flows.get({ kind: 'webauthn_registration', id: flowId });
    assert.ok(await challenge(pending.flowId));

    await admin('disable-user', 'trent@example.com', '--reason', 'left the company');

    assert.equal(await challenge(pending.flowId), null, 'the challenge is deleted, not left to expire');
    assert.ok(await challenge(othersPending.flowId), "another user's challenge stays");
    // A principal the edge asserted just before the disable cannot finish the ceremony.
    const finished = await harness.app.inject({
      method: 'POST',
      url: '/auth/passkeys/register/verify',
      headers: pending.headers,
      payload: { flowId: pending.flowId, response: authenticator.register(pending.options) },
    });
    assert.equal(finished.statusCode, 401);
    assert.deepEqual(await harness.identity.passkeys.listForUser({ userId: victim.userId }), []);
    const fresh = await harness.app.inject({
      method: 'POST',
      url: '/auth/passkeys/register/options',
      headers: pending.headers,
    });
    assert.equal(fresh.statusCode, 401);
  });

  it('fails loudly for an unknown email and for a missing reason', async () => {
    await assert.rejects(admin('disable-user', 'nobody@example.com', '--reason', 'typo'), /"error":"not_found"/);
    await assert.rejects(admin('disable-user', 'nobody@example.com'), /disable-user <email> --reason <text>/);
  });
});
