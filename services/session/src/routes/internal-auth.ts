import { AuthError, internalTokenCheck, type RotatingSecret } from '@authscale/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface InternalAuthOptions {
  /**
   * The shared secret callers present as `Authorization: Bearer <token>`: its current value, or
   * the previous or next one while it rotates (`internalApiToken(config)`).
   */
  token: RotatingSecret;
}

/** Guards every route except the public health routes with the internal bearer token. */
export const internalAuth = fp<InternalAuthOptions>(
  async (app: FastifyInstance, { token }) => {
    const accepts = internalTokenCheck('authscale-session-internal-auth', token);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.public) return;
      if (!accepts(request.headers.authorization)) throw new AuthError('unauthenticated');
    });
  },
  { name: 'authscale-session-internal-auth', fastify: '5.x' },
);
