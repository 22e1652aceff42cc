import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers, worked out once. They depend only on the options (no CSP nonces here), yet
 * @fastify/helmet runs helmet's middleware for every request, which cost the edge about 6% of its
 * CPU on a near-cached `GET /me`.
 */
export const securityHeaders = fp<HelmetOptions>(
  async (app: FastifyInstance, options) => {
    const headers: Record<string, string> = {};
    const collector = {
      setHeader(name: string, value: unknown) {
        headers[name.toLowerCase()] = String(value);
      },
      removeHeader() {},
    };
    helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => {});
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'authscale-security-headers', fastify: '5.x' },
);
