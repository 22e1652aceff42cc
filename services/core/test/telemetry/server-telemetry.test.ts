import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  context,
  createContextKey,
  propagation,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type Sampler, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { createService } from '../../src/index.ts';
import { headSamplerFromEnv } from '../../src/telemetry/head-sampling.ts';
import { ServerTelemetryLogController, serverTelemetry } from '../../src/telemetry/server-telemetry.ts';

const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
const callerSpanId = 'b7ad6b7169203331';
const sampledCaller = { traceparent: `00-${callerTraceId}-${callerSpanId}-01` };
const callerLike = { traceId: callerTraceId, spanId: callerSpanId, traceFlags: 0 };

/** The span a request ended: `onResponse` runs once the answer has gone, so a client may read it first. */
async function finishedSpan(exporter: InMemorySpanExporter) {
  for (let turn = 0; turn < 100; turn++) {
    const [span] = exporter.getFinishedSpans();
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('no span was exported');
}

/** The span context the handler runs in, as the undici instrumentation would find it. */
const activeSpanContext = () => trace.getActiveSpan()?.spanContext() ?? null;
const inHandlerOf = async (answer: Promise<Response>) => (await (await answer).json()) as SpanContext | null;

/** The SDK's sampler as the preload makes it from `OTEL_TRACES_SAMPLER`, counting how often the tracer asks it. */
const sampling = {
  asked: 0,
  sampler: headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }),
  use(samplerName: string) {
    this.sampler = headSamplerFromEnv({ OTEL_TRACES_SAMPLER: samplerName });
  },
};
const countingSampler: Sampler = {
  shouldSample(...args) {
    sampling.asked += 1;
    return sampling.sampler.shouldSample(...args);
  },
};

describe('serverTelemetry', () => {
  const exported = new InMemorySpanExporter();
  let app: FastifyInstance;
  let url: string;
  before(async () => {
    // What the preloaded SDK registers; unless a test says otherwise no root request is sampled,
    // so only a caller's choice counts.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new TracerProvider({
        sampler: countingSampler,
        spanProcessors: [new SimpleSpanProcessor({ exporter: exported })],
      }),
    );
    // Fastify calls its log controller as an answer finishes only when it has a logger, as every service does.
    app = Fastify({ logger: { level: 'silent' }, logController: new ServerTelemetryLogController() });
    await app.register(serverTelemetry);
    app.post('/things/:id', async () => activeSpanContext());
    app.get('/things/:id', async () => activeSpanContext());
    app.get('/quiet', async () => 'no span asked for');
    // As an outgoing call's instrumentation does: a child context made from the request's.
    app.get('/calls-out', async () => {
      const key = createContextKey('a value set beside the span');
      const derived = trace.setSpan(context.active().setValue(key, 'kept'), trace.wrapSpanContext(callerLike));
      return { inherited: trace.getSpanContext(context.active()), kept: derived.getValue(key) };
    });
    app.get('/fails', async () => {
      throw new Error('a dependency failed');
    });
    app.get('/healthz', async () => activeSpanContext());
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => {
    exported.reset();
    sampling.use('parentbased_always_off');
    sampling.asked = 0;
  });

  it('makes a sampled request one server span in its caller’s trace, named after its route', async () => {
    const inHandler = await inHandlerOf(fetch(`${url}/things/42?code=secret-code`, { headers: sampledCaller }));
    const span = await finishedSpan(exported);
    assert.equal(span.name, 'GET /things/:id');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.spanContext().traceId, callerTraceId);
    assert.equal(span.parentSpanContext?.spanId, callerSpanId);
    assert.equal(inHandler?.spanId, span.spanContext().spanId, 'the handler runs inside the span');
    assert.equal(span.attributes['http.route'], '/things/:id');
    assert.equal(span.attributes['url.path'], '/things/42');
    assert.equal(span.attributes['http.response.status_code'], 200);
    assert.doesNotMatch(JSON.stringify(span.attributes), /secret-code/);
  });

  it('runs the handler of a request with a body inside its span, after the body was read', async () => {
    // The body's second half arrives later, on the socket's own events, outside the request's context.
    const request = httpRequest(`${url}/things/42`, {
      method: 'POST',
      headers: { ...sampledCaller, 'content-type': 'application/json' },
    });
    request.write('{"name":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.end('"x"}');
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    const inHandler = JSON.parse(await text(response)) as SpanContext | null;
    const span = await finishedSpan(exported);
    assert.equal(inHandler?.spanId, span.spanContext().spanId);
  });

  it('records nothing for an unsampled request, yet carries its trace context on', async () => {
    const inHandler = await inHandlerOf(fetch(`${url}/things/42`));
    assert.equal(exported.getFinishedSpans().length, 0);
    assert.ok(inHandler && trace.isSpanContextValid(inHandler), 'the handler runs in a trace');
    assert.equal(inHandler.traceFlags, 0, 'downstream services learn that it was not sampled');
  });

  it('asks the tracer nothing for an unsampled request that needs no span', async () => {
    assert.equal(await (await fetch(`${url}/quiet`)).text(), 'no span asked for');
    assert.equal(sampling.asked, 0, 'no span was started');
    await inHandlerOf(fetch(`${url}/things/42`));
    assert.equal(sampling.asked, 1, 'a handler that reads the span gets one started');
  });

  it('gives a context derived from an unsampled request its span and its values', async () => {
    const answer = (await (await fetch(`${url}/calls-out`)).json()) as { inherited: SpanContext; kept: string };
    assert.ok(trace.isSpanContextValid(answer.inherited));
    assert.equal(answer.inherited.traceFlags, 0);
    assert.equal(answer.kept, 'kept');
  });

  it('records a root request the sampler keeps', async () => {
    sampling.use('parentbased_always_on');
    const inHandler = await inHandlerOf(fetch(`${url}/things/7`));
    const span = await finishedSpan(exported);
    assert.equal(span.name, 'GET /things/:id');
    assert.equal(span.parentSpanContext, undefined, 'a root span');
    assert.equal(inHandler?.spanId, span.spanContext().spanId);
  });

  it('follows an unsampled caller without starting a span for it', async () => {
    sampling.use('parentbased_always_on');
    const unsampledCaller = { traceparent: `00-${callerTraceId}-${callerSpanId}-00` };
    assert.equal((await fetch(`${url}/quiet`, { headers: unsampledCaller })).status, 200);
    assert.equal(sampling.asked, 0);
    const inHandler = await inHandlerOf(fetch(`${url}/things/42`, { headers: unsampledCaller }));
    assert.equal(inHandler?.traceId, callerTraceId, 'the caller’s trace is carried on');
    assert.equal(inHandler?.traceFlags, 0);
    assert.equal(exported.getFinishedSpans().length, 0);
  });

  it('marks a 5xx answer as an error', async () => {
    assert.equal((await fetch(`${url}/fails`, { headers: sampledCaller })).status, 500);
    const span = await finishedSpan(exported);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], '500');
  });

  it('leaves health probes out of traces', async () => {
    const inHandler = await inHandlerOf(fetch(`${url}/healthz`, { headers: sampledCaller }));
    assert.equal(inHandler, null);
    assert.equal(exported.getFinishedSpans().length, 0);
  });

  it('is not registered by createService when no exporter is asked for', async () => {
    const service = await createService({ name: 'test', logLevel: 'silent' });
    assert.equal(service.hasRequestDecorator('serverSpan'), false);
    await service.close();
  });
});
