import assert from 'node:assert/strict';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { derivePrincipalKey } from '@authscale/core';
import Fastify from 'fastify';
import { principalPlugin } from '../../src/principal/principal-plugin.ts';

test('the principal plugin takes the derived keys and refuses raw bytes, a short key or none', async (t) => {
  const derived = derivePrincipalKey('an-internal-api-token-that-is-long-enough');
  for (const keys of [[new Uint8Array(32)], [derived, createSecretKey(Buffer.alloc(16))], [], derived]) {
    const app = Fastify();
    t.after(() => app.close());
    app.register(principalPlugin, { keys: keys as unknown as KeyObject[] });
    await assert.rejects(async () => await app.ready(), /options\.keys must be the 32-byte derived principal keys/);
  }
  const app = Fastify();
  t.after(() => app.close());
  app.register(principalPlugin, { keys: [derived] });
  await app.ready();
  assert.ok(app.hasRequestDecorator('principal'));
});
