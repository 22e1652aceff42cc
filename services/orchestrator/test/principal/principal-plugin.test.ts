import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { test } from 'node:test';
import { derivePrincipalKey } from '@authscale/core';
import Fastify from 'fastify';
import { principalPlugin } from '../../src/principal/principal-plugin.ts';

test('the principal plugin takes the derived key and refuses raw bytes or a short key', async (t) => {
  for (const key of [new Uint8Array(32), createSecretKey(Buffer.alloc(16))]) {
    const app = Fastify();
    t.after(() => app.close());
    app.register(principalPlugin, { key: key as unknown as ReturnType<typeof derivePrincipalKey> });
    await assert.rejects(async () => await app.ready(), /options\.key must be the 32-byte derived principal key/);
  }
  const app = Fastify();
  t.after(() => app.close());
  app.register(principalPlugin, { key: derivePrincipalKey('an-internal-api-token-that-is-long-enough') });
  await app.ready();
  assert.ok(app.hasRequestDecorator('principal'));
});
