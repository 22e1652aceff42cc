import { loggerOptions } from '@authscale/core';
import { pino } from 'pino';
import { loadOrchestratorConfig } from './config.ts';
import { startWebhookDispatcher } from './webhooks/start-webhook-dispatcher.ts';

/**
 * The webhook dispatcher, a process of its own beside the orchestrator's listener, with the
 * orchestrator's configuration (environment). Any number may run; SIGTERM ends the pass in
 * progress, and anything it leaves behind is due again when its lease ends.
 *   npm run -w @authscale/orchestrator webhook-dispatcher
 */
const config = loadOrchestratorConfig(process.env);
const log = pino(loggerOptions({ service: 'webhook-dispatcher', level: config.LOG_LEVEL }));
const dispatcher = await startWebhookDispatcher(config, { log });
log.info('webhook dispatcher running');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void dispatcher.stop().then(() => process.exit(0));
  });
}
