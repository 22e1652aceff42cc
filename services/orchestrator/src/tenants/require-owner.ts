import { AuthError } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

/** Refuses callers who are not an owner of the request's tenant. */
export function requireOwner(request: FastifyRequest): void {
  if (request.tenant?.role !== 'owner') throw new AuthError('forbidden', 'Only owners can do this.');
}
