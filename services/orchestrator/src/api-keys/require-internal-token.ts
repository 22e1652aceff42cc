import { AuthError, internalTokenCheck, type RotatingSecret } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

/**
 * An onRequest hook for internal routes (service to service, never proxied by the edge): the
 * caller presents the shared `INTERNAL_API_TOKEN` as a bearer token, its current value or, while
 * it rotates, the previous or next one (`internalApiToken(config)`).
 */
export function requireInternalToken(token: RotatingSecret) {
  const accepts = internalTokenCheck('requireInternalToken', token);
  return async (request: FastifyRequest): Promise<void> => {
    if (!accepts(request.headers.authorization)) throw new AuthError('unauthenticated');
  };
}
