import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type HookHandlerDoneFunction,
  LogController,
} from 'fastify';
import fp from 'fastify-plugin';
import { DeferredSpanContext } from './deferred-span-context.ts';
import { followsParent, keepRootTrace, withRootDecision } from './head-sampling.ts';
import { probePaths } from './probe-paths.ts';
import { requestDurations } from './request-duration-histogram.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span while it records; null when it is not sampled, and on a probe. */
    serverSpan: Span | null;
  }
}

const tracer = trace.getTracer('@authscale/core');

/**
 * The duration's attributes, one object per route, method, scheme and status, found through maps
 * keyed by strings the router and the parser already hold: `requestDurations` keeps a series by
 * its attributes object, and a request should not build them, nor a key to find them by.
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

/** A request's span, named by its method until the sampler keeps it: a dropped span is never renamed. */
const startServerSpanIn = (parent: Context, method: string) =>
  tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);

/** The parents of a request that came without a trace, made once: most requests are these. */
const keptRoot = withRootDecision(ROOT_CONTEXT, true);
const droppedRoot = withRootDecision(ROOT_CONTEXT, false);

function startServerSpan(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (probePaths.has(request.url)) return done();
  // Whether the request is traced is decided before the tracer is asked: by a caller's sampled
  // flag where the sampler follows it, else by a draw at the sampler's ratio, which the context
  // hands on to the SDK's sampler. Left undecided, the SDK's sampler chooses.
  let parent: Context;
  let sampled: boolean | undefined;
  const caller =
    request.headers.traceparent === undefined ? undefined : propagation.extract(ROOT_CONTEXT, request.headers);
  const callerSpan = caller === undefined ? undefined : trace.getSpanContext(caller);
  if (caller === undefined || callerSpan === undefined) {
    sampled = keepRootTrace();
    parent = sampled ? keptRoot : droppedRoot;
  } else {
    parent = caller;
    if (followsParent()) sampled = (callerSpan.traceFlags & TraceFlags.SAMPLED) !== 0;
  }
  if (sampled === false) {
    // Most requests: their span only carries the trace context on, so it waits until a call out
    // or a log line needs it, and the edge's near-cache hit never starts one.
    return context.with(new DeferredSpanContext(parent, request.method, startServerSpanIn), done);
  }
  const span = startServerSpanIn(parent, request.method);
  if (span.isRecording()) {
    request.serverSpan = span;
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
  context.with(trace.setSpan(parent, span), done);
}

function endServerSpan(request: FastifyRequest, reply: FastifyReply) {
  if (probePaths.has(request.url)) return;
  const status = reply.statusCode;
  requestDurations.record(reply.elapsedTime / 1000, durationAttributesOf(request, status));
  const span = request.serverSpan;
  if (span !== null) {
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setAttributes({ 'error.type': String(status) }).setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

/**
 * Fastify's log controller, which it calls as every answer finishes, ending the request's span and
 * measuring its duration there: an `onResponse` hook would cost every request a run of Fastify's
 * hook runner, as much again as the rest of this file's work on an unsampled request. Request log
 * lines stay off, as `createService` has them. Goes with `serverTelemetry`, which without it
 * starts spans that nothing ends; Fastify calls it only when it has a logger, as every service does.
 */
export class ServerTelemetryLogController extends LogController {
  constructor() {
    super({ disableRequestLogging: true });
  }
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    endServerSpan(request, reply);
    super.requestCompleted(error, request, reply, metadata);
  }
}

/**
 * A server span and `http.server.request.duration` for every request, from Fastify's hooks rather
 * than the HTTP instrumentation's patch of `node:http`: that one builds a span's attributes and
 * binds the request's emitters to its context for every request, sampled or not, which more than
 * doubled the CPU of the edge's cheapest answer. Here an unsampled request costs one draw, a
 * context whose span starts only if something needs it, and one measurement in
 * `requestDurations`. The span is named after the matched route and joins a
 * caller's trace (`traceparent`); the hooks after this one and the handler run inside it (a body
 * read from later socket events too), so the undici instrumentation's client spans are its
 * children and carry its context on.
 */
export const serverTelemetry = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('serverSpan', null);
    app.addHook('onRequest', startServerSpan);
  },
  { name: 'authscale-server-telemetry', fastify: '5.x' },
);
