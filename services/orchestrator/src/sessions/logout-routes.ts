import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { clearedSessionCookie } from './session-cookie.ts';

/** `POST /auth/logout`: revokes the caller's session and its refresh-token family. */
export const logoutRoutes: FastifyPluginAsyncTypebox<{ deps: OrchestratorDependencies }> = async (app, { deps }) => {
  app.post('/auth/logout', { schema: { response: { 204: noContent } } }, async (request, reply) => {
    const { userId, sessionId } = request.principal as NonNullable<typeof request.principal>;
    await deps.sessions.revoke(userId, sessionId);
    await deps.refreshTokens.revokeFamily({ familyId: sessionId, reason: 'logout' });
    await deps.identity.audit.record({ type: 'logout', userId, ip: request.ip, detail: { sessionId } });
    await deps.identity.events.publish({ type: 'session.revoked', data: { userId, sessionId, reason: 'logout' } });
    return reply.status(204).header('set-cookie', clearedSessionCookie(request.server.sessionCookieSettings)).send();
  });
};
