import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createService } from '../src/index.ts';

describe('createService: the router never answers for the routes', () => {
  it('a path parameter past Fastify default 100 characters reaches its route (passkey ids run to 1,024)', async () => {
    const app = await createService({ name: 'test', logLevel: 'silent', headers: { 'x-frame-options': 'DENY' } });
    app.get('/passkeys/:id', async (request) => ({ length: (request.params as { id: string }).id.length }));
    for (const length of [101, 128, 1024]) {
      const answer = await app.inject({ method: 'GET', url: `/passkeys/${'a'.repeat(length)}` });
      assert.equal(answer.statusCode, 200, `a ${length}-character id`);
      assert.deepEqual(answer.json(), { length });
      assert.equal(answer.headers['x-frame-options'], 'DENY');
    }
    const tooLong = await app.inject({ method: 'GET', url: `/passkeys/${'a'.repeat(3000)}` });
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json().error.code, 'invalid_request');
    assert.equal(tooLong.headers['x-frame-options'], 'DENY');
    assert.ok(tooLong.headers['x-request-id']);
    assert.doesNotMatch(tooLong.body, /aaaa/);
    await app.close();
  });
});
