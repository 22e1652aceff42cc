import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '@authscale/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface InternalAuthOptions {
  /** The shared secret callers present as `Authorization: Bearer <token>`. */
  token: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Guards every route except the public health routes with the internal bearer token. Comparing
 * digests keeps the compare constant-time whatever length the caller sends.
 */
export const internalAuth = fp<InternalAuthOptions>(
  async (app: FastifyInstance, { token }) => {
    if (typeof token !== 'string' || token.length < 32) {
      throw new TypeError('authscale-session-internal-auth: token must be a string of at least 32 characters');
    }
    const expected = digest(`Bearer ${token}`);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.public) return;
      const presented = request.headers.authorization;
      if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
        throw new AuthError('unauthenticated');
      }
    });
  },
  { name: 'authscale-session-internal-auth', fastify: '5.x' },
);
