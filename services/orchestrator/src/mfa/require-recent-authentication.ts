import { AuthError } from '@authscale/core';
import type { FastifyRequest } from 'fastify';
import type { Elevation } from './create-elevation.ts';

/**
 * Set on the checks `requireRecentAuthentication` returns, so the published document can tell a
 * route that has one as its preHandler: it may answer 403 `step_up_required`.
 */
export const recentAuthenticationCheck = Symbol('authscale.recentAuthenticationCheck');

/**
 * A preHandler for sensitive actions: the caller signed in within the elevation window, or
 * stepped up since. Both clocks are their own: neither the session's idle nor its absolute
 * expiry extends them. API keys never qualify.
 */
export function requireRecentAuthentication(elevation: Elevation) {
  const check = async (request: FastifyRequest): Promise<void> => {
    const principal = request.principal;
    if (!principal) throw new AuthError('unauthenticated');
    if (principal.kind === 'api_key') throw new AuthError('step_up_required');
    const signedInRecently = Date.now() / 1000 - principal.authTime <= elevation.ttlSeconds;
    if (signedInRecently) return;
    if (await elevation.isElevated({ sessionId: principal.sessionId, userId: principal.userId })) return;
    throw new AuthError('step_up_required');
  };
  return Object.assign(check, { [recentAuthenticationCheck]: true as const });
}
