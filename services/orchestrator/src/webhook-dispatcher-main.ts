import { loggerOptions } from '@authscale/core';
import { pino } from 'pino';
import { startWebhookDispatcher } from './webhooks/start-webhook-dispatcher.ts';
import { loadWebhookDispatcherConfig } from './webhooks/webhook-dispatcher-config.ts';

/**
 * The webhook dispatcher, a process of its own beside the orchestrator's listener, with the part
 * of the orchestrator's configuration it needs (`loadWebhookDispatcherConfig`). Any number may run; SIGTERM ends the pass in
 * progress, and anything it leaves behind is due again when its lease ends.
 *   npm run -w @authscale/orchestrator webhook-dispatcher
 */
const config = loadWebhookDispatcherConfig(process.env);
const log = pino(loggerOptions({ service: 'webhook-dispatcher', level: config.LOG_LEVEL }));
const dispatcher = await startWebhookDispatcher(config, { log });
log.info('webhook dispatcher running');
// It listens on nothing, so a supervisor that opened an IPC channel (the local topology) learns
// from this that it runs; under ECS there is no channel and nothing is sent.
process.send?.('ready');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void dispatcher.stop().then(() => process.exit(0));
  });
}
