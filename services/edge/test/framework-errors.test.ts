import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startListeningEdge } from './fixtures/edge-harness.ts';

/** One raw HTTP exchange, so the request can be one that fetch would refuse to send. */
function rawRequest(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

/**
 * Framework errors escaped the error shape: a bad percent-encoding got Fastify's own 400 body, a
 * long path parameter 414 with the path echoed, oversized headers Node's own 431, and none of them
 * carried the security headers or a request id.
 */
describe('framework errors keep the error shape and the headers', () => {
  let edge: Awaited<ReturnType<typeof startListeningEdge>>;
  let port: number;

  before(async () => {
    edge = await startListeningEdge();
    ({ port } = edge);
  });

  after(() => edge.close());

  const assertShaped = (headers: string, body: string, code: string) => {
    assert.equal(JSON.parse(body).error.code, code);
    assert.match(headers, /\r\nx-request-id: [\w-]{8,}/);
    assert.match(headers, /\r\ncache-control: no-store/);
    assert.match(headers, /\r\ncontent-security-policy: default-src 'none'; frame-ancestors 'none'/);
    assert.match(headers, /\r\nx-content-type-options: nosniff/);
  };

  it('a path that is not valid percent-encoding: 400 invalid_request, the path not echoed', async () => {
    const answer = await rawRequest(port, 'GET /%C0%AF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(answer.status, 400);
    assertShaped(answer.headers, answer.body, 'invalid_request');
    assert.doesNotMatch(answer.body, /C0/);
  });

  it('oversized headers: 413 payload_too_large in the same shape, not Node own 431', async () => {
    const answer = await rawRequest(port, `GET /me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(answer.status, 413);
    assertShaped(answer.headers, answer.body, 'payload_too_large');
  });
});
