import { AuthError } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

/**
 * A quick refusal for callers who are neither owner nor admin of the request's tenant. The
 * binding check runs again inside the change's transaction, under the tenant lock.
 */
export function requireManager(request: FastifyRequest): void {
  const role = request.tenant?.role;
  if (role !== 'owner' && role !== 'admin') throw new AuthError('forbidden', 'Only owners and admins can do this.');
}
