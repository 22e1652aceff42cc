import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mailLinkPaths } from '@authscale/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { securityHeaders } from './security-headers.ts';

const publicDir = fileURLToPath(new URL('../public', import.meta.url));
// The browser build of @simplewebauthn/browser, served as-is from the installed package: its ESM
// files import each other relatively, so the directory is served whole.
const webAuthnBrowserDir = join(
  dirname(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser'))),
  'esm',
);

/**
 * The demo page at `/` and at each path a mailed link opens, and the WebAuthn browser library
 * under `/vendor/simplewebauthn/`: static, public, one route per file found at start-up (no
 * wildcard, so nothing else under `/` is claimed), with the security headers of an HTML document.
 */
export const demoPage = fp<{ securityHeaders: Record<string, string> }>(
  async (app: FastifyInstance, options) => {
    await app.register(async (files) => {
      files.addHook('onRoute', (route) => {
        route.config = { ...route.config, public: true };
      });
      // A document's headers (its CSP lets the page load its own scripts), over the API's.
      await files.register(securityHeaders, { headers: options.securityHeaders });
      await files.register(fastifyStatic, { root: publicDir, wildcard: false, index: 'index.html' });
      // The pages mailed links open are the demo page too: it reads the token and posts it back.
      for (const path of Object.values(mailLinkPaths)) {
        files.get(path, (_request, reply) => reply.sendFile('index.html'));
      }
      await files.register(fastifyStatic, {
        root: webAuthnBrowserDir,
        prefix: '/vendor/simplewebauthn/',
        wildcard: false,
        decorateReply: false,
        allowedPath: (path) => path.endsWith('.js'),
      });
    });
  },
  { name: 'authscale-demo-page', fastify: '5.x' },
);
