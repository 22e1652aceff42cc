import { AuthError } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { clearedSessionCookie } from './session-cookie.ts';

const sessionSchema = Type.Object({
  id: Type.String(),
  current: Type.Boolean(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  amr: Type.Array(Type.String()),
  acr: Type.String(),
});

/**
 * The caller's own sessions: list, revoke one, revoke all. Every call is keyed by the caller's
 * user id, so no id can reach another user's session. Revoking all is a sensitive action (it is
 * what an attacker holding one session would do to lock the owner out): it needs a recent
 * sign-in or step-up. Each session's refresh-token family goes with it.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
}> = async (app, { deps, ceremonies }) => {
  app.get(
    '/auth/sessions',
    { schema: { response: { 200: Type.Object({ sessions: Type.Array(sessionSchema) }) } } },
    async (request) => {
      const { userId, sessionId } = callerOf(request);
      const sessions = await deps.sessions.list(userId);
      return {
        sessions: sessions
          .sort((a, b) => b.createdAt - a.createdAt)
          .map((session) => ({
            id: session.sid,
            current: session.sid === sessionId,
            createdAt: new Date(session.createdAt).toISOString(),
            lastSeenAt: new Date(session.lastSeenAt).toISOString(),
            ip: session.ip,
            userAgent: session.userAgent,
            amr: session.amr,
            acr: session.acr,
          })),
      };
    },
  );

  app.delete(
    '/auth/sessions/:id',
    {
      // Step-up applies to another session than the caller's own, so it is checked inside.
      config: { refusals: ['step_up_required', 'not_found'] },
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { userId, sessionId } = callerOf(request);
      const { id } = request.params;
      // Ending one's own session is a logout; ending another could be an intruder locking the owner out.
      if (id !== sessionId) await requireRecentAuthentication(ceremonies.elevation)(request);
      // Looked up under the caller's own user id first: the refresh family is keyed by session id alone.
      if (!(await deps.sessions.get(userId, id))) throw new AuthError('not_found');
      await deps.sessions.revoke(userId, id);
      await deps.refreshTokens.revokeFamily({ familyId: id, reason: 'revoked' });
      await deps.identity.audit.record({ type: 'session.revoked', userId, ip: request.ip, detail: { sessionId: id } });
      await deps.identity.events.publish({
        type: 'session.revoked',
        data: { userId, sessionId: id, reason: id === sessionId ? 'logout' : 'revoked' },
      });
      if (id === sessionId) reply.header('set-cookie', clearedSessionCookie(request.server.sessionCookieSettings));
      return reply.status(204).send();
    },
  );

  app.delete(
    '/auth/sessions',
    {
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: { response: { 200: Type.Object({ revoked: Type.Integer({ description: 'Sessions ended.' }) }) } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const sessions = await deps.sessions.list(userId);
      const revoked = await deps.sessions.revokeAll(userId);
      await Promise.all(
        sessions.map(({ sid }) => deps.refreshTokens.revokeFamily({ familyId: sid, reason: 'revoked_all' })),
      );
      await deps.identity.audit.record({
        type: 'session.revoked',
        userId,
        ip: request.ip,
        detail: { all: true, revoked },
      });
      await deps.identity.events.publish({
        type: 'session.revoked',
        data: { userId, sessionId: null, reason: 'revoked' },
      });
      return reply.header('set-cookie', clearedSessionCookie(request.server.sessionCookieSettings)).send({ revoked });
    },
  );
};
