import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { AuthError, createService } from '../src/index.ts';

async function serviceWithRoutes(readiness = {}) {
  const app = await createService({ name: 'test', logLevel: 'silent', readiness, bodyLimit: 1024 });
  app.post('/echo', { schema: { body: Type.Object({ name: Type.String({ maxLength: 10 }) }) } }, async (request) => ({
    name: request.body.name,
  }));
  app.get('/forbidden', async () => {
    throw new AuthError('forbidden', undefined, { cause: new Error('secret detail') });
  });
  app.get('/denied', async () => {
    throw new AuthError('signup_denied', 'Invitation only.', { shownToCaller: true });
  });
  app.get('/detailed', async () => {
    throw new AuthError('forbidden', 'detail for the log only');
  });
  app.get('/who', async () => {
    throw new AuthError('unauthenticated');
  });
  app.get('/slow-down', async () => {
    throw new AuthError('rate_limited', undefined, { retryAfterSeconds: 12.2 });
  });
  app.get('/boom', async () => {
    throw new Error('database password is hunter2');
  });
  await app.ready();
  return app;
}

describe('createService', () => {
  it('reads the client address past as many proxies as trustProxy counts, and no further', async () => {
    const addressSeen = async (trustProxy: number, forwardedFor: string) => {
      const app = await createService({ name: 'test', logLevel: 'silent', trustProxy });
      app.get('/ip', async (request) => ({ ip: request.ip }));
      const response = await app.inject({
        method: 'GET',
        url: '/ip',
        remoteAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': forwardedFor },
      });
      await app.close();
      return response.json().ip;
    };
    assert.equal(await addressSeen(0, '203.0.113.7'), '10.0.0.9');
    // Behind one proxy that appends: a client cannot choose its address by sending the header.
    assert.equal(await addressSeen(1, '198.51.100.1, 203.0.113.7'), '203.0.113.7');
    // A count past the proxies there are reads the first entry, whether or not the middle one appended.
    assert.equal(await addressSeen(2, '203.0.113.7'), '203.0.113.7');
    assert.equal(await addressSeen(2, '203.0.113.7, 10.0.0.5'), '203.0.113.7');
  });

  it('answers /healthz', async () => {
    const app = await serviceWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
    await app.close();
  });

  it('answers /readyz with 503 until every dependency answers', async () => {
    let up = false;
    const app = await serviceWithRoutes({
      redis: async () => {
        if (!up) throw new Error('down');
      },
    });
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), { status: 'not_ready', checks: { redis: 'failing' } });
    up = true;
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    await app.close();
  });

  it('reports an optional dependency as degraded without failing /readyz', async () => {
    const app = await createService({
      name: 'test',
      logLevel: 'silent',
      optionalReadiness: {
        counters: async () => {
          throw new Error('down');
        },
      },
    });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'degraded', checks: { counters: 'failing' } });
    await app.close();
  });

  it('maps schema violations, bad JSON and oversized bodies to stable 4xx errors', async () => {
    const app = await serviceWithRoutes();
    const invalid = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(11) } });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'invalid_request');
    assert.doesNotMatch(invalid.body, /xxxxxxxxxxx/, 'the offending value is not echoed');

    const badJson = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().error.code, 'invalid_request');

    const tooLarge = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'y'.repeat(2000) } });
    assert.equal(tooLarge.statusCode, 413);
    assert.equal(tooLarge.json().error.code, 'payload_too_large');
    await app.close();
  });

  it('answers AuthErrors with their status and a generic message, never the cause', async () => {
    const app = await serviceWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/forbidden' });
    assert.equal(response.statusCode, 403);
    assert.deepEqual(response.json(), { error: { code: 'forbidden', message: 'You are not allowed to do this.' } });
    await app.close();
  });

  it('sends a message as it is only when the error was written to be shown', async () => {
    const app = await serviceWithRoutes();
    const denied = await app.inject({ method: 'GET', url: '/denied' });
    assert.deepEqual(denied.json(), { error: { code: 'signup_denied', message: 'Invitation only.' } });
    const detailed = await app.inject({ method: 'GET', url: '/detailed' });
    assert.deepEqual(detailed.json(), { error: { code: 'forbidden', message: 'You are not allowed to do this.' } });
    await app.close();
  });

  it('challenges every 401 with WWW-Authenticate, and sends a throttled refusal its Retry-After', async () => {
    const app = await serviceWithRoutes();
    const unauthenticated = await app.inject({ method: 'GET', url: '/who' });
    assert.equal(unauthenticated.statusCode, 401);
    assert.equal(unauthenticated.headers['www-authenticate'], 'Bearer realm="authscale"');
    const throttled = await app.inject({ method: 'GET', url: '/slow-down' });
    assert.equal(throttled.statusCode, 429);
    assert.equal(throttled.headers['retry-after'], '13', 'whole seconds, rounded up');
    assert.equal(throttled.headers['www-authenticate'], undefined);
    await app.close();
  });

  it('answers unexpected errors with a bare 500 and no stack or message', async () => {
    const app = await serviceWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: { code: 'internal', message: 'Internal error.' } });
    await app.close();
  });

  it('answers a known path asked with another method 405 with Allow, and an unknown path 404', async () => {
    const app = await createService({ name: 'test', logLevel: 'silent' });
    app.get('/things/:id', async () => ({}));
    app.delete('/things/:id', async () => ({}));
    await app.ready();
    const wrongMethod = await app.inject({ method: 'PUT', url: '/things/42?x=1' });
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.headers.allow, 'DELETE, GET, HEAD');
    assert.equal(wrongMethod.json().error.code, 'method_not_allowed');
    // QUERY without a content type, which Fastify refuses 400 before routing decides anything.
    const query = await app.inject({ method: 'QUERY', url: '/things/42' });
    assert.equal(query.statusCode, 405);
    assert.equal(query.headers.allow, 'DELETE, GET, HEAD');
    assert.equal((await app.inject({ method: 'QUERY', url: '/nope' })).statusCode, 404);
    const health = await app.inject({ method: 'POST', url: '/healthz' });
    assert.equal(health.statusCode, 405);
    assert.equal(health.headers.allow, 'GET, HEAD');
    for (const url of ['/things', '/things/42/more', '/nope']) {
      const unknown = await app.inject({ method: 'PUT', url });
      assert.equal(unknown.statusCode, 404, url);
      assert.equal(unknown.headers.allow, undefined, url);
    }
    await app.close();
  });

  it('answers unknown routes with the error shape', async () => {
    const app = await serviceWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
    await app.close();
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const app = await serviceWithRoutes();
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc12345-req' } });
    assert.equal(kept.headers['x-request-id'], 'abc12345-req');
    const replaced = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n' } });
    assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    await app.close();
  });

  it('sends X-Request-Id with refusals and unknown routes too', async () => {
    const app = await serviceWithRoutes();
    for (const url of ['/forbidden', '/nope']) {
      const response = await app.inject({ method: 'GET', url, headers: { 'x-request-id': 'abc12345-req' } });
      assert.equal(response.headers['x-request-id'], 'abc12345-req', url);
    }
    await app.close();
  });
});

describe('createService request logs', () => {
  async function loggingService(logLevel: string) {
    const lines: Record<string, unknown>[] = [];
    const app = await createService({
      name: 'test',
      logLevel,
      logDestination: { write: (line) => lines.push(JSON.parse(line)) },
    });
    app.get('/refused', async () => {
      throw new AuthError('forbidden');
    });
    app.get('/quiet', { logLevel: 'warn' }, async () => {
      throw new AuthError('forbidden');
    });
    app.get('/down', async () => {
      throw new AuthError('dependency_unavailable', undefined, { cause: new Error('connect ECONNREFUSED') });
    });
    await app.ready();
    return { app, lines };
  }

  it('logs nothing at info for a request served well, nor for a refusal', async () => {
    const { app, lines } = await loggingService('info');
    await app.inject({ method: 'GET', url: '/healthz?code=one-time-code' });
    await app.inject({ method: 'GET', url: '/refused' });
    await app.inject({ method: 'GET', url: '/no-such-path%' });
    assert.deepEqual(lines, []);
    await app.close();
  });

  it('logs a failed dependency at warn', async () => {
    const { app, lines } = await loggingService('info');
    assert.equal((await app.inject({ method: 'GET', url: '/down' })).statusCode, 503);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.msg, 'dependency failed');
    await app.close();
  });

  it('logs a refusal at debug with the request id, never its query', async () => {
    const { app, lines } = await loggingService('debug');
    await app.inject({
      method: 'GET',
      url: '/refused?code=one-time-code',
      headers: { 'x-request-id': 'abc12345-req' },
    });
    const refused = lines.filter((line) => line.msg === 'request refused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.reqId, 'abc12345-req');
    assert.equal(refused[0]?.level, 20);
    assert.doesNotMatch(JSON.stringify(lines), /one-time-code/);
    await app.close();
  });

  it('logs one warn line per flood of refusals, with a sample of who and where', async () => {
    const { app, lines } = await loggingService('info');
    const refuse = () => app.inject({ method: 'GET', url: '/refused?code=one-time-code', remoteAddress: '192.0.2.7' });
    for (let refusal = 1; refusal < 100; refusal++) await refuse();
    assert.equal(lines.length, 0, '99 refusals are not yet a flood');
    for (let refusal = 100; refusal <= 250; refusal++) await refuse();
    assert.equal(lines.length, 1, 'one line for the flood, not one per refusal');
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.msg, 'refusals flooding');
    assert.equal(lines[0]?.code, 'forbidden');
    assert.equal(lines[0]?.refusals, 100);
    assert.equal(lines[0]?.ip, '192.0.2.7');
    assert.equal(lines[0]?.route, '/refused');
    assert.doesNotMatch(JSON.stringify(lines), /one-time-code/);
    await app.close();
  });

  it('keeps a route’s own log level', async () => {
    const { app, lines } = await loggingService('info');
    await app.inject({ method: 'GET', url: '/quiet' });
    assert.deepEqual(lines, []);
    await app.close();
  });

  it('logs one line per request at debug, with the path but never the query', async () => {
    const { app, lines } = await loggingService('debug');
    await app.inject({
      method: 'GET',
      url: '/healthz?code=one-time-code',
      headers: { 'x-request-id': 'abc12345-req' },
    });
    assert.equal(lines.length, 1);
    assert.deepEqual(
      { ...lines[0], time: undefined, ms: undefined, pid: undefined, hostname: undefined },
      {
        level: 20,
        service: 'test',
        reqId: 'abc12345-req',
        method: 'GET',
        path: '/healthz',
        status: 200,
        msg: 'request',
        time: undefined,
        ms: undefined,
        pid: undefined,
        hostname: undefined,
      },
    );
    await app.close();
  });
});
