import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isCanonicalPath } from '../src/canonical-path.ts';
import { allowedOrigin, startListeningEdge } from './fixtures/edge-harness.ts';

/** Sends `path` exactly as spelled (fetch and inject would normalise it first). */
function post(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: allowedOrigin },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ email: 'someone@example.com', password: 'a passphrase' }));
  });
}

/**
 * Percent-encoded paths (`/auth/%6cogin`, `/%61uth/login`, `/auth/token/%72efresh`) reached the
 * handlers but missed the WAF's stricter credential-path rule, which only lowercased. The edge
 * now refuses every spelling of a path but the canonical one.
 */
describe('non-canonical spellings of a path are refused at the edge', () => {
  let edge: Awaited<ReturnType<typeof startListeningEdge>>;
  let port: number;

  before(async () => {
    edge = await startListeningEdge();
    ({ port } = edge);
  });

  after(() => edge.close());

  it('answers 400 for encoded, dotted and doubled spellings of the credential paths, and forwards none', async () => {
    const before = edge.upstream.received.length;
    for (const path of [
      '/auth/%6cogin',
      '/%61uth/login',
      '/auth/token/%72efresh',
      '/auth/./login',
      '/auth//login',
      '/x/../auth/login',
    ]) {
      const answer = await post(port, path);
      assert.equal(answer.status, 400, path);
      assert.equal(JSON.parse(answer.body).error.code, 'invalid_request', path);
    }
    assert.equal(edge.upstream.received.length, before, 'a non-canonical request reached the orchestrator');
    assert.equal((await post(port, '/auth/login')).status, 200);
  });

  it('keeps percent-encoding where a path needs it', () => {
    for (const path of [
      '/auth/sessions/a%2Fb',
      '/auth/passkeys/abc%3D',
      '/api/projects',
      '/auth/oidc/github/callback',
    ]) {
      assert.equal(isCanonicalPath(path), true, path);
    }
    for (const path of ['/auth/%6Cogin', '/auth/%7Eme', '/auth/%2Dx', '/auth/.', '/auth/..']) {
      assert.equal(isCanonicalPath(path), false, path);
    }
  });
});
