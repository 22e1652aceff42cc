import { AuthError } from '@authscale/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ApiKeyScope, apiKeyScopes } from './api-key-scopes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API key needs on this route. Without it, the route refuses API keys. */
    apiKeyScope?: ApiKeyScope;
  }
}

/**
 * Scopes for API-key callers: a key reaches only routes that name a scope it holds, so a route
 * added later stays closed to keys until it opts in. Users are not affected; their role decides.
 */
export const apiKeyScopePlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      const scope = route.config?.apiKeyScope;
      if (scope !== undefined && !apiKeyScopes.includes(scope)) {
        throw new TypeError(`authscale-api-key-scope: ${route.method} ${route.url} names unknown scope "${scope}"`);
      }
    });
    app.addHook('onRequest', async (request) => {
      const principal = request.principal;
      if (principal?.kind !== 'api_key') return;
      const needed = request.routeOptions.config.apiKeyScope;
      if (!needed) throw new AuthError('forbidden', 'API keys cannot be used here.');
      if (!principal.scopes?.includes(needed))
        throw new AuthError('forbidden', `The API key lacks the ${needed} scope.`);
    });
  },
  { name: 'authscale-api-key-scope', fastify: '5.x', dependencies: ['authscale-principal'] },
);
