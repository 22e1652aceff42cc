import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { EventType, Identity } from '@authscale/identity';
import { type DispatcherProcess, startDispatcherProcess } from '@authscale/testkit';
import pg from 'pg';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { sendWebhook } from '../../src/webhooks/send-webhook.ts';
import { startWebhookDispatcher } from '../../src/webhooks/start-webhook-dispatcher.ts';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { joinByInvitation } from '../fixtures/join-by-invitation.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { registerPlatformEndpoint } from '../fixtures/platform-webhook-endpoint.ts';
import { type ReceivedWebhook, startWebhookReceiver } from '../fixtures/start-webhook-receiver.ts';
import { webhookTestEnv } from '../fixtures/webhook-test-env.ts';

const maxAttempts = 6;
const silent = { warn: () => {}, error: () => {} };
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * Delivery semantics against a real receiver: retries with back-off, dead letters, ordering per
 * user, secret rotation, the address guard, and a dispatcher killed in the middle of a delivery.
 */
describe('webhook delivery', () => {
  let harness: Harness;
  let operators: Identity;
  let dispatcher: Awaited<ReturnType<typeof startWebhookDispatcher>> | undefined;
  let receiver: Receiver;
  const platformSecret = newWebhookSecret();
  /** What the receiver answers each delivery; tests replace it. */
  let answer: (delivery: Omit<ReceivedWebhook, 'status'>) => number | 'hold' = () => 204;
  const dispatcherConfig = () => ({ ...harness.config, EVENTS_DATABASE_URL: harness.database.eventsUrl });

  before(async () => {
    harness = await startOrchestrator({
      env: {
        ...webhookTestEnv,
        WEBHOOK_MAX_ATTEMPTS: String(maxAttempts),
        WEBHOOK_RETRY_MAX_DELAY_MS: '200',
        WEBHOOK_TIMEOUT_MS: '500',
      },
    });
    receiver = await startWebhookReceiver({ secrets: () => [platformSecret], answer: (delivery) => answer(delivery) });
    operators = await registerPlatformEndpoint(harness, {
      url: receiver.url,
      secret: platformSecret,
    });
    dispatcher = await startWebhookDispatcher(dispatcherConfig(), { log: silent });
  });
  after(async () => {
    await dispatcher?.stop();
    await operators.close();
    await receiver.stop();
    await harness.stop();
  });

  /** Writes an event about `userId` (the fields any of these types needs). */
  const publish = (type: EventType, userId: string) =>
    harness.identity.events.publish({ type, data: { userId, method: 'totp', via: 'change' } } as never);
  // As the server's superuser: the owner too is under FORCE ROW LEVEL SECURITY on the deliveries.
  const asAdmin = async <T>(work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: harness.database.adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  /** The webhook-id of the newest event of this type about this user. */
  const messageIdOf = (type: EventType, userId: string) =>
    asAdmin(
      async (client) =>
        (
          await client.query<{ id: string }>(
            `SELECT 'msg_' || message_id AS id FROM event_outbox WHERE type = $1 AND user_id = $2
             ORDER BY event_outbox.id DESC LIMIT 1`,
            [type, userId],
          )
        ).rows[0]?.id as string,
    );
  const deliveryOf = (messageId: string) =>
    asAdmin(
      async (client) =>
        (
          await client.query<{
            state: string;
            attempts: number;
            last_status: number | null;
            last_error: string | null;
          }>(
            `SELECT state, attempts, last_status, last_error FROM webhook_deliveries WHERE 'msg_' || message_id = $1`,
            [messageId],
          )
        ).rows[0],
    );
  const receiptsOf = (messageId: string) => receiver.received.filter(({ id }) => id === messageId);
  const receiptsAbout = (userId: string, type: EventType) =>
    receiver.received.filter(({ payload }) => payload.data.userId === userId && payload.type === type);

  it('retries with back-off: a receiver that fails twice gets the event on the third try', async () => {
    const userId = randomUUID();
    answer = ({ payload }) =>
      payload.data.userId === userId && receiptsAbout(userId, 'user.disabled').length < 2 ? 503 : 204;
    await publish('user.disabled', userId);
    const current = await messageIdOf('user.disabled', userId);
    await receiver.waitFor(() => receiptsOf(current).some(({ status }) => status === 204));
    assert.deepEqual(
      receiptsOf(current).map(({ status }) => status),
      [503, 503, 204],
    );
    // The same message each time, signed afresh.
    assert.equal(new Set(receiptsOf(current).map(({ body }) => body)).size, 1);
    // Settled once the dispatcher heard the 204.
    await until(async () => (await deliveryOf(current))?.state === 'delivered');
    assert.deepEqual(await deliveryOf(current), {
      state: 'delivered',
      attempts: 3,
      last_status: 204,
      last_error: null,
    });
  });

  it('dead-letters a delivery after WEBHOOK_MAX_ATTEMPTS and lists it for the tenant', async () => {
    const h = accountHelpers(harness);
    const owner = await h.signUp();
    const tenantId = (await harness.identity.memberships.defaultTenant({ userId: owner.userId })) as string;
    const tenantReceiver = await startWebhookReceiver({ secrets: () => [], answer: () => 500 });
    try {
      const created = await h.call('POST', `/api/tenants/${tenantId}/webhooks`, await h.fresh(owner.userId), {
        url: tenantReceiver.url,
        eventTypes: ['mfa.enrolled'],
      });
      assert.equal(created.statusCode, 201, created.body);
      const webhookId = created.json().id;
      await h.enrolTotp(owner.userId);
      await tenantReceiver.waitFor(() => tenantReceiver.received.length >= maxAttempts);
      const listDead = async () =>
        (
          await h.call(
            'GET',
            `/api/tenants/${tenantId}/webhooks/${webhookId}/deliveries?state=dead`,
            await h.fresh(owner.userId),
          )
        ).json().deliveries;
      await until(async () => (await listDead()).length > 0);
      const [dead, ...more] = await listDead();
      assert.deepEqual(more, []);
      assert.equal(dead.eventType, 'mfa.enrolled');
      assert.equal(dead.attempts, maxAttempts);
      assert.equal(dead.lastStatus, 500);
      assert.equal(dead.lastError, 'http_500');
      assert.equal(`msg_${dead.messageId}`, tenantReceiver.received[0]?.id);
      await sleep(100);
      assert.equal(tenantReceiver.received.length, maxAttempts, 'no attempt after the last');
    } finally {
      await tenantReceiver.stop();
    }
  });

  it("holds a user's later events while an earlier one is pending, and no one else's", async () => {
    const [userId, otherUserId] = [randomUUID(), randomUUID()];
    let receiverDown = true;
    answer = ({ payload }) => (payload.data.userId === userId && receiverDown ? 500 : 204);
    await publish('mfa.enrolled', userId);
    await receiver.waitFor(() => receiptsAbout(userId, 'mfa.enrolled').length > 0);
    // The first is failing and pending: these come after it.
    await publish('mfa.removed', userId);
    await publish('password.changed', userId);
    await publish('mfa.enrolled', otherUserId);
    await receiver.waitFor(() => receiptsAbout(otherUserId, 'mfa.enrolled').length > 0);
    await sleep(100);
    assert.deepEqual(receiptsAbout(userId, 'mfa.removed'), [], 'not attempted while the first is pending');
    assert.deepEqual(receiptsAbout(userId, 'password.changed'), []);
    receiverDown = false;
    const third = await messageIdOf('password.changed', userId);
    await receiver.waitFor(() => receiver.accepted().some(({ id }) => id === third));
    const order = receiver
      .accepted()
      .filter(({ payload }) => payload.data.userId === userId)
      .map(({ payload }) => payload.type);
    assert.deepEqual(order, ['mfa.enrolled', 'mfa.removed', 'password.changed']);
  });

  it('signs with both secrets while a rotation overlaps, and the receiver verifies with either', async () => {
    const h = accountHelpers(harness);
    const owner = await h.signUp();
    const tenantId = (await harness.identity.memberships.defaultTenant({ userId: owner.userId })) as string;
    let secrets: string[] = [];
    const tenantReceiver = await startWebhookReceiver({ secrets: () => secrets });
    try {
      const created = await h.call('POST', `/api/tenants/${tenantId}/webhooks`, await h.fresh(owner.userId), {
        url: tenantReceiver.url,
        eventTypes: ['mfa.enrolled', 'mfa.removed'],
      });
      const { id: webhookId, secret: original } = created.json();
      const listed = await h.call('GET', `/api/tenants/${tenantId}/webhooks`, await h.fresh(owner.userId));
      assert.equal(listed.json().webhooks[0].secret, undefined, 'shown once');
      const rotated = await h.call(
        'POST',
        `/api/tenants/${tenantId}/webhooks/${webhookId}/rotate-secret`,
        await h.fresh(owner.userId),
      );
      assert.equal(rotated.statusCode, 200, rotated.body);
      const { secret: next, previousSecretExpiresAt } = rotated.json();
      assert.notEqual(next, original);
      assert.ok(Date.parse(previousSecretExpiresAt) > Date.now());
      secrets = [original, next];
      await h.enrolTotp(owner.userId);
      await tenantReceiver.waitFor(() => tenantReceiver.received.length === 1);
      assert.deepEqual(tenantReceiver.unverified, []);
      assert.equal(tenantReceiver.received[0]?.signature.split(' ').length, 2);
    } finally {
      await tenantReceiver.stop();
    }
  });

  it('lets only owners manage webhooks, asks for a recent sign-in, and 404s what is not theirs', async () => {
    const h = accountHelpers(harness);
    const [owner, admin, stranger] = [await h.signUp(), await h.signUp(), await h.signUp()];
    const tenantId = (await harness.identity.memberships.defaultTenant({ userId: owner.userId })) as string;
    await joinByInvitation(harness, { tenantId, inviterId: owner.userId, invitee: admin, role: 'admin' });
    const url = `/api/tenants/${tenantId}/webhooks`;
    const body = { url: receiver.url, eventTypes: ['user.disabled'] };
    assert.equal((await h.call('POST', url, await h.stale(owner.userId), body)).json().error.code, 'step_up_required');
    assert.equal((await h.call('POST', url, await h.fresh(admin.userId), body)).statusCode, 403);
    assert.equal((await h.call('GET', url, await h.fresh(admin.userId))).statusCode, 403);
    assert.equal((await h.call('POST', url, await h.fresh(stranger.userId), body)).statusCode, 403);
    assert.equal(
      (await h.call('POST', url, await h.fresh(owner.userId), { ...body, eventTypes: ['nope'] })).statusCode,
      400,
    );
    const { id } = (await h.call('POST', url, await h.fresh(owner.userId), body)).json();
    const strangerTenant = (await harness.identity.memberships.defaultTenant({ userId: stranger.userId })) as string;
    const elsewhere = `/api/tenants/${strangerTenant}/webhooks/${id}`;
    assert.equal((await h.call('DELETE', elsewhere, await h.fresh(stranger.userId))).statusCode, 404);
    assert.equal((await h.call('DELETE', `${url}/${id}`, await h.fresh(owner.userId))).statusCode, 204);
    assert.deepEqual((await h.call('GET', url, await h.fresh(owner.userId))).json().webhooks, []);
  });

  it('refuses to deliver to a loopback address unless INSECURE_WEBHOOK_PRIVATE_ADDRESSES allows it', async () => {
    const before = receiver.received.length;
    const send = (allowPrivateAddresses: boolean) =>
      sendWebhook({ url: receiver.url, headers: {}, body: '{}', timeoutMs: 500, allowPrivateAddresses });
    assert.deepEqual(await send(false), { ok: false, error: 'address_refused' });
    assert.equal(receiver.received.length, before, 'nothing reached the receiver');
    // Allowed, it connects (and the receiver refuses the unsigned body).
    assert.deepEqual(await send(true), { ok: false, status: 401, error: 'http_401' });
  });

  it('loses nothing when the dispatcher is killed mid-delivery; the resend carries the same webhook-id', async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
    const child = await startDispatcherProcessForTest();
    const exited = once(child.process, 'exit');
    let killed = false;
    const userId = randomUUID();
    answer = ({ payload }) => {
      if (payload.data.userId !== userId || killed) return 204;
      // The request is in, unanswered: the dispatcher dies before it hears back or settles.
      killed = child.process.kill('SIGKILL');
      return 'hold';
    };
    try {
      await publish('user.disabled', userId);
      const current = await messageIdOf('user.disabled', userId);
      await receiver.waitFor(() => killed, 60_000);
      await exited;
      assert.equal((await deliveryOf(current))?.state, 'pending');
      dispatcher = await startWebhookDispatcher(dispatcherConfig(), { log: silent });
      await receiver.waitFor(() => receiver.accepted().some(({ id }) => id === current));
      // At least once: the receiver saw the message twice under one webhook-id and keeps it once.
      assert.deepEqual(
        receiptsOf(current).map(({ status }) => status),
        [0, 204],
      );
      await until(async () => (await deliveryOf(current))?.state === 'delivered');
    } finally {
      await child.kill();
    }
  });

  /** The dispatcher as its own process, with the settings it reads and nothing more. */
  function startDispatcherProcessForTest(): Promise<DispatcherProcess> {
    const { config, database } = harness;
    return startDispatcherProcess({
      env: {
        ...(process.env as Record<string, string>),
        ...webhookTestEnv,
        LOG_LEVEL: 'warn',
        PUBLIC_ORIGIN: config.PUBLIC_ORIGIN,
        TOTP_ENCRYPTION_KEY: config.TOTP_ENCRYPTION_KEY,
        EVENTS_DATABASE_URL: database.eventsUrl,
        WEBHOOK_TIMEOUT_MS: '500',
      },
    });
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await sleep(20);
  }
}
