import {
  type Attributes,
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span, recording or not; null on a probe. */
    serverSpan: Span | null;
  }
}

const tracer = trace.getTracer('@authscale/core');
const meter = metrics.getMeter('@authscale/core');

const requestDuration = meter.createHistogram('http.server.request.duration', {
  description: 'Duration of HTTP server requests.',
  unit: 's',
  valueType: ValueType.DOUBLE,
  // The semantic conventions' boundaries, as the HTTP instrumentation gives them.
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
});

/**
 * Probes, not traffic: a load balancer's and the session client's health checks would otherwise
 * make a trace each, every second, on every service. They ask without a query string.
 */
const probePaths = new Set(['/healthz', '/readyz']);

/**
 * The duration's attributes, one object per route, method, scheme and status, found through maps
 * keyed by strings the router and the parser already hold: the SDK hashes the attributes of every
 * measurement, and a request should not also build them, nor a key to find them by.
 */
type ByStatus = Map<number, Attributes>;
type ByScheme = Map<string, ByStatus>;
type ByMethod = Map<string, ByScheme>;
const durationAttributes = new Map<string, ByMethod>();

/** The map `map` holds at `key`, made empty the first time. */
function mapAt<V extends Map<unknown, unknown>>(map: Map<string, V>, key: string): V {
  let value = map.get(key);
  if (value === undefined) {
    value = new Map() as V;
    map.set(key, value);
  }
  return value;
}

function durationAttributesOf(request: FastifyRequest, status: number): Attributes {
  const route = request.routeOptions.url ?? '';
  const { method, protocol } = request;
  const byStatus = mapAt(mapAt(mapAt(durationAttributes, route), method), protocol);
  let attributes = byStatus.get(status);
  if (attributes === undefined) {
    attributes = {
      'http.request.method': method,
      'url.scheme': protocol,
      'http.response.status_code': status,
      ...(route === '' ? {} : { 'http.route': route }),
      ...(status >= 500 ? { 'error.type': String(status) } : {}),
    };
    byStatus.set(status, attributes);
  }
  return attributes;
}

function startServerSpan(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (probePaths.has(request.url)) return done();
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  // Named by its method until the sampler keeps it: most requests are not sampled, their span only
  // carries the trace context on, and naming it and building its attributes would be most of
  // what tracing costs them.
  const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    const route = request.routeOptions.url;
    if (route !== undefined) span.updateName(`${request.method} ${route}`);
    span.setAttributes({
      'http.request.method': request.method,
      'url.scheme': request.protocol,
      // The path only: a query string can hold a credential (an OpenID Connect callback's code).
      'url.path': request.url.split('?', 1)[0] as string,
      'client.address': request.ip,
      'network.protocol.version': request.raw.httpVersion,
      ...(route === undefined ? {} : { 'http.route': route }),
      ...(request.headers['user-agent'] === undefined ? {} : { 'user_agent.original': request.headers['user-agent'] }),
    });
  }
  request.serverSpan = span;
  context.with(trace.setSpan(parent, span), done);
}

function endServerSpan(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
  const span = request.serverSpan;
  if (span === null) return done();
  const status = reply.statusCode;
  requestDuration.record(reply.elapsedTime / 1000, durationAttributesOf(request, status));
  if (span.isRecording()) {
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setAttributes({ 'error.type': String(status) }).setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  done();
}

/**
 * A server span and `http.server.request.duration` for every request, from Fastify's hooks rather
 * than the HTTP instrumentation's patch of `node:http`: that one builds a span's attributes and
 * binds the request's emitters to its context for every request, sampled or not, which more than
 * doubled the CPU of the edge's cheapest answer. Here an unsampled request costs a non-recording
 * span, its context, and one measurement. The span is named after the matched route and joins a
 * caller's trace (`traceparent`); the hooks after this one and the handler run inside it (a body
 * read from later socket events too), so the undici instrumentation's client spans are its
 * children and carry its context on.
 */
export const serverTelemetry = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('serverSpan', null);
    app.addHook('onRequest', startServerSpan);
    app.addHook('onResponse', endServerSpan);
  },
  { name: 'authscale-server-telemetry', fastify: '5.x' },
);
