import { AuthError, type Principal } from '@authscale/core';
import type { FastifyRequest } from 'fastify';
import { callerOf } from './caller-of.ts';

/**
 * The caller of a step-up route: a user in a session. An API key has no session to elevate and
 * would never pass `requireRecentAuthentication` anyway, so it is refused up front.
 */
export function sessionCallerOf(request: FastifyRequest): Principal {
  const caller = callerOf(request);
  if (caller.kind === 'api_key') throw new AuthError('forbidden', 'Step-up needs a signed-in session.');
  return caller;
}
