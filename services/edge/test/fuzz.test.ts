import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sessionCookieName } from '@authscale/core';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { proxiedRoutes } from '../src/index.ts';
import { accessTokenIssuer, claimsFor } from './fixtures/access-tokens.ts';
import { startEchoUpstream } from './fixtures/echo-upstream.ts';
import { allowedOrigin, startEdge } from './fixtures/edge-harness.ts';
import { refusingUpstreamUrl } from './fixtures/failing-upstreams.ts';
import { type SessionLayer, startSessionLayer } from './fixtures/session-layer.ts';

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });
const base64url = (maxLength: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    maxLength,
  });

const concretePaths = proxiedRoutes.map(({ url }) =>
  url.replace(':provider', 'github').replace('*', 'sessions').replace('/api/sessions', '/api/projects'),
);
const path = fc.oneof(
  fc.constantFrom(...concretePaths, '/healthz', '/readyz', '/auth/sessions/abc', '/api/tenants/t1/members/u1'),
  fc
    .tuple(fc.constantFrom(...concretePaths), printable(40))
    .map(([route, tail]) => `${route}/${encodeURIComponent(tail)}`),
  printable(60).map((raw) => `/${encodeURIComponent(raw)}`),
);
const sessionToken = fc.oneof(
  printable(80),
  fc.tuple(base64url(64), base64url(43)).map(([user, secret]) => `${user}.${secret}`),
);
const bearer = fc.oneof(
  printable(120),
  fc.tuple(base64url(60), base64url(200), base64url(90)).map(([h, p, s]) => `Bearer ${h}.${p}.${s}`),
  base64url(300).map((value) => `Bearer ${value}`),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  printable(300),
  fc.record({ email: fc.oneof(printable(400), fc.integer(), fc.constant(null)), password: printable(50) }),
  fc.record({ refreshToken: fc.oneof(printable(5000), fc.boolean()) }),
  fc.record({ mfaToken: printable(100), code: printable(10) }),
);
const request = fc.record(
  {
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    url: path,
    contentType: fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'nonsense',
    ),
    body,
    credential: fc.constantFrom('valid-cookie', 'valid-bearer', 'random'),
    cookie: fc.oneof(
      sessionToken.map((token) => `${sessionCookieName}=${token}`),
      printable(120),
    ),
    authorization: bearer,
    origin: fc.oneof(fc.constant(allowedOrigin), printable(40)),
    principal: printable(60),
  },
  { requiredKeys: ['method', 'url', 'contentType', 'credential'] },
);

// Credentials that authenticate, so that a share of the input also reaches the proxy.
const validCredentials = { cookie: '', authorization: '' };

type RandomRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toInject(input: RandomRequest): InjectOptions {
  const headers: Record<string, string> = { 'content-type': input.contentType };
  if (input.credential === 'valid-cookie') headers.cookie = validCredentials.cookie;
  else if (input.credential === 'valid-bearer') headers.authorization = validCredentials.authorization;
  else {
    if (input.cookie !== undefined) headers.cookie = input.cookie;
    if (input.authorization !== undefined) headers.authorization = input.authorization;
  }
  if (input.origin !== undefined) headers.origin = input.origin;
  if (input.principal !== undefined) headers['x-authscale-principal'] = input.principal;
  const payload =
    input.body === undefined || input.method === 'GET' || input.method === 'HEAD'
      ? undefined
      : typeof input.body === 'string'
        ? input.body
        : JSON.stringify(input.body);
  return { method: input.method as InjectOptions['method'], url: input.url, headers, payload };
}

type Edge = Awaited<ReturnType<typeof startEdge>>;

async function assertCleanAnswer(edge: Edge, input: RandomRequest, allowed5xx: number[]) {
  const response = await edge.app.inject(toInject(input));
  if (response.statusCode >= 500)
    assert.ok(allowed5xx.includes(response.statusCode), `unexpected ${response.statusCode}: ${response.body}`);
  assert.doesNotMatch(response.body, /\bat .+:\d+:\d+|"stack"|Error:/, 'no stack trace or raw error');
  // `/readyz` answers 503 with its own `{status, checks}` body while a dependency is down.
  if (input.url === '/readyz') return;
  if (response.statusCode >= 400 && input.method !== 'HEAD') {
    const answer = response.json();
    assert.deepEqual(Object.keys(answer), ['error']);
    assert.equal(typeof answer.error.code, 'string');
    assert.equal(typeof answer.error.message, 'string');
  }
}

const fuzzEnv = { RATE_LIMIT_PER_IP_MAX: '1000000', RATE_LIMIT_SIGN_IN_MAX: '1000000' };

describe('edge under random and malformed input', () => {
  let sessionLayer: SessionLayer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let edge: Edge;
  let edgeWithoutOrchestrator: Edge;

  before(async () => {
    sessionLayer = await startSessionLayer();
    const tokens = await accessTokenIssuer();
    upstream = await startEchoUpstream({ jwks: tokens.jwks });
    edge = await startEdge({ orchestratorUrl: upstream.url, sessionLayer, env: fuzzEnv });
    edgeWithoutOrchestrator = await startEdge({
      orchestratorUrl: await refusingUpstreamUrl(),
      jwksUrl: `${upstream.url}/.well-known/jwks.json`,
      sessionLayer,
      env: fuzzEnv,
    });
    const { token, session } = await sessionLayer.create('fuzz-user');
    validCredentials.cookie = `${sessionCookieName}=${token}`;
    validCredentials.authorization = `Bearer ${await tokens.sign(claimsFor(session))}`;
  });
  after(async () => {
    await Promise.all([edge.app.close(), edgeWithoutOrchestrator.app.close()]);
    await upstream.close();
    await sessionLayer.stop();
  });

  it('never answers 5xx, a stack trace or anything but the error shape', async () => {
    const forwardedBefore = upstream.received.length;
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        await assertCleanAnswer(edge, input, []);
      }),
      { numRuns: 600 },
    );
    assert.ok(upstream.received.length - forwardedBefore > 50, 'a good share of the inputs reached the orchestrator');
  });

  it('with the orchestrator down, answers only 4xx or the deliberate 503', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        await assertCleanAnswer(edgeWithoutOrchestrator, input, [503]);
      }),
      { numRuns: 300 },
    );
  });
});
