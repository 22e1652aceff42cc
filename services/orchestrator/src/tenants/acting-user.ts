import { AuthError } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

/** The signed-in user behind the request; tenant administration is never done with an API key. */
export function actingUser(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) throw new AuthError('unauthenticated');
  if (principal.kind === 'api_key') throw new AuthError('forbidden', 'Tenant administration needs a signed-in user.');
  return principal.userId;
}
