import { countWebhookDelivery, recordWebhookDeliveryLag } from '@authscale/core';
import type { ClaimedDelivery, DeliveryOutcome, EventDispatchStore } from '@authscale/identity';
import type { FastifyBaseLogger } from 'fastify';
import type { SecretBox } from '../totp/create-secret-box.ts';
import { retryDelayMs } from './retry-delay.ts';
import { sendWebhook } from './send-webhook.ts';
import { signWebhook } from './sign-webhook.ts';
import { webhookSecretContext } from './webhook-secret-box.ts';

export interface WebhookDispatcherOptions {
  store: EventDispatchStore;
  secretBox: SecretBox;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  pollIntervalMs: number;
  allowPrivateAddresses: boolean;
  /** How long a finished event stays in the outbox (WEBHOOK_RETENTION_SECONDS). */
  retentionSeconds: number;
  /** Deliveries sent at once. @default 8 */
  concurrency?: number;
  /** How often a dispatcher prunes the outbox. @default 60000 */
  pruneIntervalMs?: number;
  now?: () => number;
}

/**
 * The outbox's delivery loop: fan new events out to their endpoints, claim due deliveries, send
 * each signed, settle it. Every step is a statement on Postgres, so any number of dispatchers can
 * run, and one that dies (even between the send and the settle) leaves its deliveries to come due
 * again once their lease ends: at least once, never lost.
 */
export function createWebhookDispatcher({
  store,
  secretBox,
  log,
  timeoutMs,
  maxAttempts,
  retryBaseMs,
  retryMaxDelayMs,
  pollIntervalMs,
  allowPrivateAddresses,
  retentionSeconds,
  concurrency = 8,
  pruneIntervalMs = 60_000,
  now = Date.now,
}: WebhookDispatcherOptions) {
  let prunedAt = Number.NEGATIVE_INFINITY;
  // Long enough that an attempt ends (the send times out at timeoutMs) and is settled before
  // anyone else may take its delivery; short enough that a dead dispatcher's work resumes soon.
  const leaseMs = timeoutMs * 2 + 1_000;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await attempt(delivery);
    // A settle that no longer holds the claim changed nothing: another attempt owns the delivery now.
    if (!(await store.settle({ id: delivery.id, attempt: delivery.attempt, outcome }))) return;
    countWebhookDelivery(outcome.kind);
    // occurred_at is the database's clock (its transaction's start) and Date.now() this host's; both
    // are kept by NTP (the Amazon Time Sync Service on AWS), milliseconds apart against a lag of
    // hundreds (an idle dispatcher polls once a second).
    if (outcome.kind === 'delivered') recordWebhookDeliveryLag(Date.now() - delivery.occurredAt.getTime());
    if (outcome.kind === 'dead') {
      log.warn(
        { deliveryId: delivery.id, endpointId: delivery.endpointId, error: outcome.error },
        'webhook dead-lettered',
      );
    }
  }

  async function attempt(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    const context = webhookSecretContext(delivery.endpointId);
    const sealed = [delivery.secretCiphertext, delivery.previousSecretCiphertext].filter((value) => value !== null);
    const secrets = sealed.map((envelope) => secretBox.open(envelope, context)).filter((value) => value !== null);
    // A secret sealed under a key this deployment no longer has cannot sign: retrying will not help.
    if (secrets.length === 0) return { kind: 'dead', error: 'secret_unreadable' };
    const body = JSON.stringify({
      type: delivery.type,
      version: delivery.version,
      timestamp: delivery.occurredAt.toISOString(),
      data: delivery.data,
    });
    const headers = signWebhook({ messageId: `msg_${delivery.messageId}`, timestamp: new Date(), body, secrets });
    const result = await sendWebhook({ url: delivery.url, headers, body, timeoutMs, allowPrivateAddresses });
    if (result.ok) return { kind: 'delivered', status: result.status };
    const failure = { error: result.error, ...(result.status ? { status: result.status } : {}) };
    if (delivery.attempt >= maxAttempts) return { kind: 'dead', ...failure };
    const retryInMs = retryDelayMs({ failedAttempts: delivery.attempt, baseMs: retryBaseMs, maxMs: retryMaxDelayMs });
    return { kind: 'retry', ...failure, retryInMs };
  }

  /**
   * One pass: fan out what is new, then send what is due, and now and then delete what is finished
   * and old. Resolves with the deliveries it settled.
   */
  async function runOnce(): Promise<number> {
    while ((await store.fanOut({ limit: 100 })) === 100) {}
    const claimed = await store.claim({ limit: concurrency, leaseMs });
    await Promise.all(claimed.map(deliver));
    if (now() - prunedAt >= pruneIntervalMs) {
      prunedAt = now();
      // In batches, so a backlog (the first run after an upgrade) never holds one long transaction.
      while ((await store.prune({ retentionSeconds, limit: 1000 })) === 1000 && !stopping) {}
    }
    return claimed.length;
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      let busy = false;
      try {
        busy = (await runOnce()) > 0;
      } catch (error) {
        // Postgres away: the next pass tries again; nothing is lost, the rows wait.
        log.error({ err: error }, 'webhook dispatch pass failed');
      }
      if (!busy && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  return Object.freeze({
    runOnce,
    start() {
      stopping = false;
      running ??= loop();
    },
    /** Finishes the pass in progress (its sends and settles) and stops. */
    async stop() {
      stopping = true;
      wake?.();
      await running;
      running = undefined;
    },
  });
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
