import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventSchemas, eventTypes, type Identity } from '@authscale/identity';
import pg from 'pg';
import { Value } from 'typebox/value';
import { disableUser } from '../../src/admin/disable-user.ts';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { startWebhookDispatcher } from '../../src/webhooks/start-webhook-dispatcher.ts';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { joinByInvitation } from '../fixtures/join-by-invitation.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { registerPlatformEndpoint } from '../fixtures/platform-webhook-endpoint.ts';
import { startWebhookReceiver } from '../fixtures/start-webhook-receiver.ts';
import { webhookTestEnv } from '../fixtures/webhook-test-env.ts';

const silent = { warn: () => {}, error: () => {} };

/**
 * The catalogue end to end: the real flows through the orchestrator write their events, a real
 * dispatcher (its own database role) delivers them, and real receivers verify each delivery with
 * the standardwebhooks library: a platform-wide endpoint that asked for every type, and a tenant
 * endpoint created through the API.
 */
describe('webhook events from the real flows', () => {
  let harness: Harness;
  let operators: Identity;
  let dispatcher: Awaited<ReturnType<typeof startWebhookDispatcher>>;
  const platformSecret = newWebhookSecret();
  let tenantSecret = '';
  let platform: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let tenant: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let outsiderId = '';
  let aliceTenant = '';
  let aliceId = '';
  const aliceSessions = { replayed: '', loggedOut: '', endedByPasswordChange: '' };

  before(async () => {
    harness = await startOrchestrator({ graceSeconds: 0, env: webhookTestEnv });
    platform = await startWebhookReceiver({ secrets: () => [platformSecret] });
    tenant = await startWebhookReceiver({ secrets: () => [tenantSecret] });
    operators = await registerPlatformEndpoint(harness, {
      url: platform.url,
      secret: platformSecret,
    });
    dispatcher = await startWebhookDispatcher(
      { ...harness.config, EVENTS_DATABASE_URL: harness.database.eventsUrl },
      { log: silent },
    );
    await driveEveryFlow();
  });
  after(async () => {
    await dispatcher.stop();
    await operators.close();
    await Promise.all([platform.stop(), tenant.stop()]);
    await harness.stop();
  });

  /** Each catalogued event from the flow that causes it; `user.deleted` awaits the admin API. */
  async function driveEveryFlow() {
    const h = accountHelpers(harness);
    const expect = async (response: Promise<{ statusCode: number; body: string }>, status: number) => {
      const answer = await response;
      assert.equal(answer.statusCode, status, answer.body);
      return answer;
    };
    const alice = await h.signUp(); // user.created, membership.added
    aliceId = alice.userId;
    aliceTenant = (await harness.identity.memberships.defaultTenant({ userId: alice.userId })) as string;
    const created = await expect(
      h.call('POST', `/api/tenants/${aliceTenant}/webhooks`, await h.fresh(alice.userId), {
        url: tenant.url,
        eventTypes: [...eventTypes],
      }),
      201,
    );
    tenantSecret = (JSON.parse(created.body) as { secret: string }).secret;

    // The link sign-up mailed: user.email_verified.
    const message = await harness.mailSink.waitForMessage(({ to }) => to.includes(alice.email));
    const token = message.links.find((link) => link.pathname === '/verify-email')?.searchParams.get('token');
    await expect(h.call('POST', '/auth/email/verify', await h.fresh(alice.userId), { token }), 204);

    // session.created, then the refresh token used twice: refresh.replayed.
    const first = JSON.parse((await expect(h.login(alice.email, alice.password), 200)).body);
    await expect(h.call('POST', '/auth/token/refresh', {}, { refreshToken: first.refreshToken }), 200);
    await expect(h.call('POST', '/auth/token/refresh', {}, { refreshToken: first.refreshToken }), 401);
    // session.created and session.revoked.
    const second = JSON.parse((await expect(h.login(alice.email, alice.password), 200)).body);
    await expect(h.call('POST', '/auth/logout', await h.fresh(alice.userId, second.sessionId)), 204);
    Object.assign(aliceSessions, { replayed: first.sessionId, loggedOut: second.sessionId });

    // password.changed and a session.revoked for each other session it ends; mfa.enrolled, mfa.removed.
    const third = JSON.parse((await expect(h.login(alice.email, alice.password), 200)).body);
    aliceSessions.endedByPasswordChange = third.sessionId;
    const newPassword = `${alice.password} and more`;
    await expect(
      h.call('PUT', '/auth/password', await h.fresh(alice.userId), { currentPassword: alice.password, newPassword }),
      200,
    );
    await h.enrolTotp(alice.userId);
    await expect(h.call('DELETE', '/auth/totp', await h.fresh(alice.userId)), 204);

    // Bob joins alice's tenant and is removed: membership.added, membership.removed.
    const bob = await h.signUp();
    await joinByInvitation(harness, { tenantId: aliceTenant, inviterId: alice.userId, invitee: bob, role: 'member' });
    await expect(
      h.call('DELETE', `/api/tenants/${aliceTenant}/members/${bob.userId}`, await h.fresh(alice.userId)),
      204,
    );

    // api_key.created, api_key.revoked.
    const key = JSON.parse(
      (
        await expect(
          h.call('POST', `/api/tenants/${aliceTenant}/api-keys`, await h.fresh(alice.userId), {
            name: 'ci',
            scopes: ['projects:read'],
          }),
          201,
        )
      ).body,
    );
    await expect(
      h.call('DELETE', `/api/tenants/${aliceTenant}/api-keys/${key.keyId}`, await h.fresh(alice.userId)),
      204,
    );

    // The operator command: user.disabled.
    await disableUser(harness, { email: bob.email, reason: 'left' });
    // No flow deletes a user yet: the writer the admin API will call.
    await harness.identity.events.publish({ type: 'user.deleted', data: { userId: bob.userId } });
    // Someone who never joined alice's tenant.
    outsiderId = (await h.signUp()).userId;
  }

  const outboxSize = async () => {
    const client = new pg.Client({ connectionString: harness.database.ownerUrl });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) FROM event_outbox')).rows[0].count);
    } finally {
      await client.end();
    }
  };

  it('delivers every catalogued event to a platform endpoint, each event once, each verified', async () => {
    const written = await outboxSize();
    await platform.waitFor(() => platform.received.length >= written);
    assert.deepEqual(platform.unverified, []);
    assert.deepEqual(new Set(platform.received.map(({ payload }) => payload.type)), new Set(eventTypes));
    // Once: one delivery per event written, no webhook-id twice.
    assert.equal(platform.received.length, written);
    assert.equal(new Set(platform.received.map(({ id }) => id)).size, written);
  });

  it('tells of every session that ends: a logout, a refresh replay, the others a password change ends', () => {
    const ended = platform.received
      .filter(({ payload }) => payload.type === 'session.revoked' && payload.data.userId === aliceId)
      .map(({ payload }) => payload.data as { sessionId: string; reason: string });
    assert.ok(ended.some(({ sessionId, reason }) => sessionId === aliceSessions.loggedOut && reason === 'logout'));
    assert.ok(ended.some(({ sessionId, reason }) => sessionId === aliceSessions.replayed && reason === 'revoked'));
    assert.ok(
      ended.some(({ sessionId }) => sessionId === aliceSessions.endedByPasswordChange),
      'a session the password change ended',
    );
  });

  it('sends bodies that match the schemas published in docs/events.json', () => {
    const schemas = eventSchemas();
    for (const { payload } of platform.received) {
      const errors = [...Value.Errors(schemas[payload.type], payload)].map((error) => error.message);
      assert.deepEqual(errors, [], `${payload.type}: ${JSON.stringify(payload)}`);
    }
  });

  it('carries ids, and an address only in user.email_verified', () => {
    for (const { payload } of platform.received) {
      const mentionsAddress = /@/.test(JSON.stringify(payload.data));
      assert.equal(mentionsAddress, payload.type === 'user.email_verified', payload.type);
    }
  });

  it("gives a tenant endpoint its own tenant's events and nobody else's", async () => {
    await tenant.waitFor(() => tenant.received.some(({ payload }) => payload.type === 'api_key.revoked'));
    assert.deepEqual(tenant.unverified, []);
    const types = tenant.received.map(({ payload }) => payload.type);
    for (const type of ['membership.added', 'membership.removed', 'api_key.created', 'session.created']) {
      assert.ok(types.includes(type), `${type} reached the tenant`);
    }
    for (const { payload } of tenant.received) {
      assert.notEqual(payload.data.userId, outsiderId, `${payload.type} of a non-member`);
      if (typeof payload.data.tenantId === 'string') assert.equal(payload.data.tenantId, aliceTenant);
    }
    // Created after alice signed up, it does not get her user.created.
    assert.ok(!types.includes('user.created'));
  });
});
