import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { type OtlpReceiver, startOtlpReceiver } from '@authscale/testkit';

const repositoryRoot = new URL('../../../../', import.meta.url).pathname;

/**
 * A process started as a service is (the preload first), serving one request to itself through
 * `createService`, sent with fetch (undici). It prints which providers the API hands out, then
 * stays up until killed so the batch can leave.
 */
const probe = `
const { metrics, trace } = await import('@opentelemetry/api');
const { createService } = await import('@authscale/core');
const app = await createService({ name: 'probe', logLevel: 'silent' });
app.get('/me', { config: { public: true } }, async () => 'ok');
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address();
await (await fetch('http://127.0.0.1:' + port + '/me?token=secret-token&page=2', {
  headers: { authorization: 'Bearer secret-bearer', cookie: 'authscale_session=secret-cookie' },
})).text();
console.log(JSON.stringify({
  tracerProvider: trace.getTracerProvider().getDelegate().constructor.name,
  meterProvider: metrics.getMeterProvider().constructor.name,
}));
`;

/** This process's environment without any OTEL_* variable, so a developer's shell cannot change the outcome. */
const withoutTelemetry = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));

async function startProbe(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import=@authscale/core/start-telemetry', '--input-type=module', '-e', probe],
    { cwd: repositoryRoot, env: { ...withoutTelemetry, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, providers: JSON.parse(line) as { tracerProvider: string; meterProvider: string } };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe('the telemetry preload', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.stop());

  const exportingTo = (url: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'telemetry-probe',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });

  it('exports the server and client spans of one trace, with no secret in them', async () => {
    const { child, providers } = await startProbe(exportingTo(receiver.url));
    try {
      assert.notEqual(providers.tracerProvider, 'NoopTracerProvider');
      const [server, client] = await receiver.waitUntil(() => {
        const spans = receiver.spans().filter((span) => span.service === 'telemetry-probe');
        const server = spans.find((span) => span.kind === 2);
        const client = spans.find((span) => span.kind === 3);
        return server && client ? [server, client] : undefined;
      }, 'a server span and a client span');
      assert.equal(server.traceId, client.traceId);
      assert.equal(server.parentSpanId, client.spanId);
      assert.equal(server.name, 'GET /me');
      assert.equal(server.attributes['url.path'], '/me');
      assert.match(String(client.attributes['url.full']), /\/me\?token=REDACTED&page=2$/);
      assert.doesNotMatch(JSON.stringify(receiver.spans()), /secret-(token|bearer|cookie)/);
    } finally {
      await stop(child);
    }
  });

  it('starts nothing without an OTEL_* variable: the API hands out its no-op providers', async () => {
    const { child, providers } = await startProbe({});
    await stop(child);
    assert.deepEqual(providers, { tracerProvider: 'NoopTracerProvider', meterProvider: 'NoopMeterProvider' });
  });

  it('sends nothing when OTEL_SDK_DISABLED says so, even with an endpoint', async () => {
    const before = receiver.requests().length;
    const { child, providers } = await startProbe({ ...exportingTo(receiver.url), OTEL_SDK_DISABLED: 'true' });
    // Several batch delays: a span exported at all would have arrived.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stop(child);
    assert.deepEqual(providers, { tracerProvider: 'NoopTracerProvider', meterProvider: 'NoopMeterProvider' });
    assert.equal(receiver.requests().length, before);
  });
});
