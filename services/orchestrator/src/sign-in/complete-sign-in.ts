import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { sessionCookie } from '../sessions/session-cookie.ts';

export interface CompleteSignInOptions {
  deps: Pick<OrchestratorDependencies, 'sessions' | 'refreshTokens' | 'identity'>;
  request: FastifyRequest;
  reply: FastifyReply;
  userId: string;
  tenantId: string;
  amr: string[];
  acr: string;
}

/**
 * The end of every sign-in ceremony: a session on the replicas, a refresh-token family bound to
 * it, an access token (with the before-token hook's claims), and the session cookie. `session.created` is written once the replica
 * confirmed the session: after the fact, as the session is not in Postgres.
 */
export async function completeSignIn({ deps, request, reply, userId, tenantId, amr, acr }: CompleteSignInOptions) {
  const authenticatedAt = Date.now();
  // Session records keep epoch milliseconds; JWT and refresh-family `auth_time` is epoch seconds.
  const authTime = Math.floor(authenticatedAt / 1000);
  const userAgent = request.headers['user-agent'];
  const { token, session } = await deps.sessions.create({
    userId,
    tenantId,
    ip: request.ip,
    ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, 512) } : {}),
    amr,
    acr,
    authTime: authenticatedAt,
  });
  const addedClaims = await request.server.accessTokens
    .claimsFor({ userId, tenantId, sessionId: session.sid, amr, acr }, 'sign_in', request.log)
    .catch(async (error: unknown) => {
      // A fail-closed hook refused: the session nobody will hold a cookie for ends at once.
      await deps.sessions.revoke(userId, session.sid);
      throw error;
    });
  await deps.identity.events.publish({
    type: 'session.created',
    data: { userId, tenantId, sessionId: session.sid },
  });
  const { refreshToken } = await deps.refreshTokens.issue({
    sessionId: session.sid,
    userId,
    tenantId,
    amr,
    acr,
    authTime,
  });
  const { accessToken, expiresIn } = await request.server.accessTokens.issue(
    { userId, sessionId: session.sid, tenantId, amr, acr, authTime },
    addedClaims,
  );
  reply.header(
    'set-cookie',
    sessionCookie({ token, expiresAt: session.absoluteExpiresAt, settings: request.server.sessionCookieSettings }),
  );
  reply.header('cache-control', 'no-store');
  return { accessToken, refreshToken, expiresIn, sessionId: session.sid };
}
