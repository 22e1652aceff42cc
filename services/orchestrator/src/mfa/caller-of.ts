import { AuthError, type Principal } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

/** The signed-in caller of a non-public route. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthError('unauthenticated');
  return request.principal;
}
