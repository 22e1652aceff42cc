import { KeyObject } from 'node:crypto';
import { AuthError, type Principal, principalHeaderName, verifyPrincipal } from '@authscale/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface PrincipalPluginOptions {
  /**
   * The keys an assertion may be signed with, `principalKeys(...).verifying`: the current one first,
   * then the previous and next ones while the secret rotates.
   */
  keys: readonly KeyObject[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from the edge's signed assertion; null on public routes without one. */
    principal: Principal | null;
  }
}

/**
 * Reads the edge's `x-authscale-principal` assertion. It is the only statement about the caller
 * the orchestrator trusts; every route that is not `config.public` requires a valid one.
 */
export const principalPlugin = fp<PrincipalPluginOptions>(
  async (app: FastifyInstance, { keys }) => {
    const derived = (key: unknown) =>
      key instanceof KeyObject && key.type === 'secret' && (key.symmetricKeySize ?? 0) >= 32;
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every(derived)) {
      throw new TypeError('authscale-principal: options.keys must be the 32-byte derived principal keys');
    }
    const accepted = Object.freeze([...keys]);
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const assertion = request.headers[principalHeaderName];
      if (typeof assertion === 'string' && assertion.length < 4096) {
        request.principal = await verifyPrincipal({ assertion, key: accepted });
      }
      if (!request.principal && !request.routeOptions.config.public) throw new AuthError('unauthenticated');
    });
  },
  { name: 'authscale-principal', fastify: '5.x' },
);
