import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * An onRequest hook for internal routes (service to service, never proxied by the edge): the
 * caller presents the shared `INTERNAL_API_TOKEN` as a bearer token. Comparing digests keeps the
 * compare constant-time whatever length the caller sends.
 */
export function requireInternalToken(token: string) {
  if (typeof token !== 'string' || token.length < 32) {
    throw new TypeError('requireInternalToken: token must be a string of at least 32 characters');
  }
  const expected = digest(`Bearer ${token}`);
  return async (request: FastifyRequest): Promise<void> => {
    const presented = request.headers.authorization;
    if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
      throw new AuthError('unauthenticated');
    }
  };
}
