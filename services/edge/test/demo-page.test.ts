import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AuthError, createService, mailLinkPaths } from '@authscale/core';
import { demoPage } from '../src/demo-page.ts';

it('serves the demo page, its script and the WebAuthn browser library, and nothing else', async () => {
  const app = await createService({ name: 'edge', logLevel: 'silent' });
  // Stands in for request authentication, which lets only routes marked public through unsigned.
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config?.public) throw new AuthError('unauthenticated');
  });
  await app.register(demoPage, { securityHeaders: { 'content-security-policy': "script-src 'self'" } });

  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.body, /<script type="module" src="\/demo.js">/);
  assert.equal(page.headers['content-security-policy'], "script-src 'self'");

  const script = await app.inject({ method: 'GET', url: '/demo.js' });
  assert.equal(script.statusCode, 200);
  assert.match(script.body, /from '\/vendor\/simplewebauthn\/index.js'/);

  const library = await app.inject({ method: 'GET', url: '/vendor/simplewebauthn/index.js' });
  assert.equal(library.statusCode, 200);
  assert.match(library.headers['content-type'] as string, /javascript/);
  assert.match(library.body, /startRegistration/);

  assert.equal((await app.inject({ method: 'GET', url: '/vendor/simplewebauthn/index.d.ts' })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/vendor/simplewebauthn/package.json' })).statusCode, 404);
  for (const path of Object.values(mailLinkPaths)) {
    const linked = await app.inject({ method: 'GET', url: `${path}?token=abc` });
    assert.equal(linked.statusCode, 200, `${path}: the page a mailed link opens`);
    assert.equal(linked.body, page.body);
    assert.equal(linked.headers['content-security-policy'], "script-src 'self'");
  }

  assert.equal((await app.inject({ method: 'GET', url: '/elsewhere.html' })).statusCode, 401);
  await app.close();
});
