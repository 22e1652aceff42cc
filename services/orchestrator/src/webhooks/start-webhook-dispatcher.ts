import { createEventDispatchStore } from '@authscale/identity';
import type { FastifyBaseLogger } from 'fastify';
import type { OrchestratorConfig } from '../config.ts';
import { createWebhookDispatcher } from './create-webhook-dispatcher.ts';
import { webhookSecretBox } from './webhook-secret-box.ts';

/**
 * The dispatcher as its process runs it, built from the orchestrator's configuration: its own
 * database role, the secret box the routes seal with, the delivery settings. Resolves once it
 * runs; `stop` ends the pass in progress and closes the pool.
 */
export async function startWebhookDispatcher(
  config: OrchestratorConfig,
  { log }: { log: Pick<FastifyBaseLogger, 'warn' | 'error'> },
) {
  const store = createEventDispatchStore({
    ...(config.EVENTS_DATABASE_URL ? { databaseUrl: config.EVENTS_DATABASE_URL } : {}),
  });
  const dispatcher = createWebhookDispatcher({
    store,
    secretBox: webhookSecretBox(config),
    log,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    allowPrivateAddresses: config.INSECURE_WEBHOOK_PRIVATE_ADDRESSES,
  });
  dispatcher.start();
  return Object.freeze({
    async stop() {
      await dispatcher.stop();
      await store.close();
    },
  });
}
