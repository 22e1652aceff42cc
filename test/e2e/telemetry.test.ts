import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@authscale/testkit';
import { edgeClient } from './edge-client.ts';
import { startStack } from './start-stack.ts';

const serverSpan = 2;
const clientSpan = 3;

/**
 * OpenTelemetry through the whole topology, configured only by the standard variables: one
 * `GET /me` carrying a caller's `traceparent` is one trace across the edge, a session replica and
 * the orchestrator, each hop's server span the child of the caller's client span; and the HTTP
 * metrics arrive under their semantic-convention names.
 */
describe('telemetry across the topology', () => {
  let receiver: OtlpReceiver;
  let stack: Awaited<ReturnType<typeof startStack>>;
  before(async () => {
    receiver = await startOtlpReceiver();
    const withoutTelemetry = Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'));
    stack = await startStack({
      inherited: {
        ...Object.fromEntries(withoutTelemetry),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRIC_EXPORT_INTERVAL: '500',
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('follows one GET /me from the edge to a session replica and the orchestrator', async () => {
    const { request, account } = edgeClient(stack.publicOrigin);
    const alice = await account('traced');
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const me = await request('GET', '/me', {
      cookie: alice.cookie,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    assert.equal(me.status, 200);

    const inTrace = () => receiver.spans().filter((span) => span.traceId === traceId);
    const serverSpanOf = (service: string) =>
      inTrace().find((span) => span.service === service && span.kind === serverSpan);
    const [edge, session, orchestrator] = await receiver.waitUntil(() => {
      const found = ['authscale-edge', 'authscale-session', 'authscale-orchestrator'].map(serverSpanOf);
      return found.every(Boolean) ? (found as [ReceivedSpan, ReceivedSpan, ReceivedSpan]) : undefined;
    }, `server spans of trace ${traceId} from the edge, a session replica and the orchestrator`);

    assert.equal(edge.parentSpanId, callerSpanId, 'the edge continues the caller’s trace');
    assert.equal(edge.name, 'GET /me');
    assert.equal(edge.attributes['http.route'], '/me');
    const edgeClientSpans = inTrace().filter((span) => span.service === 'authscale-edge' && span.kind === clientSpan);
    for (const [name, downstream] of [
      ['session replica', session],
      ['orchestrator', orchestrator],
    ] as const) {
      const caller = edgeClientSpans.find((span) => span.spanId === downstream.parentSpanId);
      assert.ok(caller, `the ${name}'s server span is the child of one of the edge's client spans`);
      assert.equal(caller.parentSpanId, edge.spanId, `the edge's call to the ${name} is made inside its request`);
    }
    // The session token travels into no span, nor into any attribute the instrumentations record.
    const exported = JSON.stringify(receiver.spans());
    assert.ok(!exported.includes(alice.cookie.split('=')[1] as string), 'the session token is in no span');
  });

  it('exports the HTTP server and client durations under their semantic-convention names', async () => {
    const pointsOf = (name: string, service: string) =>
      receiver
        .metrics()
        .filter((metric) => metric.name === name && metric.service === service)
        .flatMap((metric) => metric.points.map((point): Record<string, unknown> => ({ ...point, unit: metric.unit })));
    const meServed = await receiver.waitUntil(
      () =>
        pointsOf('http.server.request.duration', 'authscale-edge').find(
          (point) => point['http.route'] === '/me' && point['http.response.status_code'] === 200,
        ),
      "the edge's http.server.request.duration of GET /me",
    );
    assert.equal(meServed.unit, 's');
    await receiver.waitUntil(
      () => pointsOf('http.client.request.duration', 'authscale-edge')[0],
      "the edge's http.client.request.duration",
    );
  });

  it("counts sign-ins, near-cache lookups and refusals, times a revocation's arrival, and reports the identity pool", async () => {
    const { request, account } = edgeClient(stack.publicOrigin);
    const bob = await account('counted');
    for (let seen = 0; seen < 2; seen++)
      assert.equal((await request('GET', '/me', { cookie: bob.cookie })).status, 200);
    const wrong = await request('POST', '/auth/login', { body: { email: bob.email, password: 'not the password' } });
    assert.equal(wrong.status, 401);
    // The edge has bob's epoch; the logout moves it, and the edge measures how long that took to arrive.
    assert.equal((await request('POST', '/auth/logout', { cookie: bob.cookie })).status, 204);

    const counted = (name: string, service: string, attributes: Record<string, string | number>) =>
      receiver
        .metrics()
        .some(
          (metric) =>
            metric.name === name &&
            metric.service === service &&
            metric.points.some((point) => Object.entries(attributes).every(([key, value]) => point[key] === value)),
        ) || undefined;
    const expected = [
      [
        'authscale.sign_in.attempts',
        'authscale-orchestrator',
        { 'authscale.sign_in.method': 'password', 'authscale.sign_in.outcome': 'success' },
      ],
      [
        'authscale.sign_in.attempts',
        'authscale-orchestrator',
        { 'authscale.sign_in.method': 'password', 'authscale.sign_in.outcome': 'failure' },
      ],
      [
        'authscale.near_cache.lookups',
        'authscale-edge',
        { 'authscale.cache.name': 'edge.sessions', 'authscale.cache.result': 'hit' },
      ],
      [
        'authscale.near_cache.lookups',
        'authscale-edge',
        { 'authscale.cache.name': 'edge.sessions', 'authscale.cache.result': 'miss' },
      ],
      [
        'authscale.http.refusals',
        'authscale-orchestrator',
        { 'authscale.error.code': 'invalid_credentials', 'http.response.status_code': 401 },
      ],
      [
        'db.client.connection.count',
        'authscale-orchestrator',
        { 'db.client.connection.pool.name': 'identity', 'db.client.connection.state': 'idle' },
      ],
      [
        'db.client.connection.pending_requests',
        'authscale-orchestrator',
        { 'db.client.connection.pool.name': 'identity' },
      ],
      ['authscale.revocation.propagation', 'authscale-edge', {}],
    ] as const;
    for (const [name, service, attributes] of expected) {
      await receiver.waitUntil(
        () => counted(name, service, attributes),
        `${name} ${JSON.stringify(attributes)} from ${service}`,
      );
    }
  });
});
