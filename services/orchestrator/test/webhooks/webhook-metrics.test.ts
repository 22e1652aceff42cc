import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Identity } from '@authscale/identity';
import {
  type DispatcherProcess,
  type OtlpReceiver,
  type ReceivedMetric,
  startDispatcherProcess,
  startOtlpReceiver,
} from '@authscale/testkit';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';
import { registerPlatformEndpoint } from '../fixtures/platform-webhook-endpoint.ts';
import { startWebhookReceiver } from '../fixtures/start-webhook-receiver.ts';
import { webhookTestEnv } from '../fixtures/webhook-test-env.ts';

const service = 'authscale-webhook-dispatcher';

/**
 * The dispatcher's metrics as a collector receives them: the dispatcher runs as its own process
 * (as `npm run stack` and its container start it), exports OTLP to a real receiver, and counts
 * each settle by outcome and the lag of each delivery.
 */
describe('webhook dispatcher metrics', () => {
  let harness: Harness;
  let operators: Identity;
  let otlp: OtlpReceiver;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let dispatcher: DispatcherProcess;
  const secret = newWebhookSecret();
  const failing = randomUUID();

  before(async () => {
    harness = await startOrchestrator({ env: webhookTestEnv });
    otlp = await startOtlpReceiver();
    // Every event about one user fails; the others are accepted at once.
    receiver = await startWebhookReceiver({
      secrets: () => [secret],
      answer: ({ payload }) => (payload.data.userId === failing ? 503 : 204),
    });
    operators = await registerPlatformEndpoint(harness, { url: receiver.url, secret, types: ['user.disabled'] });
    const withoutTelemetry = Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'));
    dispatcher = await startDispatcherProcess({
      env: {
        ...(Object.fromEntries(withoutTelemetry) as Record<string, string>),
        ...webhookTestEnv,
        // Two attempts: the failing user's event is retried once, then dead.
        WEBHOOK_MAX_ATTEMPTS: '2',
        LOG_LEVEL: 'warn',
        PUBLIC_ORIGIN: harness.config.PUBLIC_ORIGIN,
        TOTP_ENCRYPTION_KEY: harness.config.TOTP_ENCRYPTION_KEY,
        EVENTS_DATABASE_URL: harness.database.eventsUrl,
        OTEL_SERVICE_NAME: service,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_TRACES_EXPORTER: 'none',
        // What the AWS task sets, so CloudWatch can take percentiles of the lag (infra/stacks/services-stack.ts).
        OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'base2_exponential_bucket_histogram',
      },
    });
  });
  after(async () => {
    await dispatcher?.stop();
    await operators?.close();
    await receiver?.stop();
    await otlp?.stop();
    await harness?.stop();
  });

  const dispatcherMetric = (name: string) => (metric: ReceivedMetric) =>
    metric.name === name && metric.service === service;

  it('counts settles by outcome (delivered, retry, dead) and records the lag of deliveries', async () => {
    const publish = (userId: string) =>
      harness.identity.events.publish({ type: 'user.disabled', data: { userId } } as never);
    await publish(failing);
    await publish(randomUUID());

    for (const outcome of ['delivered', 'retry', 'dead']) {
      await otlp.waitUntil(
        () =>
          otlp
            .metrics()
            .filter(dispatcherMetric('authscale.webhook.deliveries'))
            .some((metric) => metric.points.some((point) => point['authscale.webhook.outcome'] === outcome)) ||
          undefined,
        `authscale.webhook.deliveries with outcome ${outcome}`,
      );
    }
    const lag = await otlp.waitUntil(
      () => otlp.metrics().find(dispatcherMetric('authscale.webhook.delivery_lag')),
      'authscale.webhook.delivery_lag',
    );
    assert.equal(lag.unit, 's');
    assert.equal(lag.kind, 'exponentialHistogram', 'the standard variable picks the aggregation CloudWatch reads');
  });
});
