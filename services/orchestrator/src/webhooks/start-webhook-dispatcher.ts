import { createEventDispatchStore } from '@authscale/identity';
import type { FastifyBaseLogger } from 'fastify';
import { rdsIamAuthTokens } from '../database/rds-iam-auth-tokens.ts';
import { createWebhookDispatcher } from './create-webhook-dispatcher.ts';
import type { WebhookDispatcherConfig } from './webhook-dispatcher-config.ts';
import { webhookSecretBox } from './webhook-secret-box.ts';

/**
 * The dispatcher as its process runs it, built from its configuration (the orchestrator's, which
 * holds every field of it, in `npm start`): its own database role, the secret box the routes seal with, the delivery settings. Resolves once it
 * runs; `stop` ends the pass in progress and closes the pool.
 */
export async function startWebhookDispatcher(
  config: WebhookDispatcherConfig,
  { log }: { log: Pick<FastifyBaseLogger, 'warn' | 'error'> },
) {
  const store = createEventDispatchStore({
    ...(config.EVENTS_DATABASE_URL ? { databaseUrl: config.EVENTS_DATABASE_URL } : {}),
    ...(config.DATABASE_IAM_AUTH ? { password: rdsIamAuthTokens({ region: config.AWS_REGION }) } : {}),
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
    retentionSeconds: config.WEBHOOK_RETENTION_SECONDS,
  });
  dispatcher.start();
  return Object.freeze({
    async stop() {
      await dispatcher.stop();
      await store.close();
    },
  });
}
