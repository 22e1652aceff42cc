import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { tokenPairSchema } from '../lib/schemas.ts';

/**
 * `POST /auth/token/refresh`: rotates the refresh token and issues a new access token. A replay
 * outside the grace window revokes the family and its session before answering 401.
 */
export const refreshRoute: FastifyPluginAsyncTypebox<{ deps: OrchestratorDependencies }> = async (app, { deps }) => {
  app.post(
    '/auth/token/refresh',
    {
      config: { public: true },
      schema: {
        body: Type.Object(
          { refreshToken: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
        response: { 200: tokenPairSchema },
      },
    },
    async (request, reply) => {
      const result = await deps.refreshTokens.rotate(request.body.refreshToken);
      if (result.outcome === 'invalid') throw new AuthError('unauthenticated');
      const { familyId: sessionId, userId, tenantId, amr, acr, authTime } = result.family;
      if (result.outcome === 'replayed') {
        await deps.sessions.revoke(userId, sessionId);
        await deps.identity.audit.record({ type: 'refresh.replayed', userId, ip: request.ip, detail: { sessionId } });
        throw new AuthError('unauthenticated');
      }
      // Logout, revoke-all or expiry on the replicas ends the family too.
      if (!(await deps.sessions.get(userId, sessionId))) {
        await deps.refreshTokens.revokeFamily({ familyId: sessionId, reason: 'session_ended' });
        throw new AuthError('unauthenticated');
      }
      const { accessToken, expiresIn } = await app.accessTokens.issue({
        userId,
        sessionId,
        tenantId,
        amr,
        acr,
        authTime,
      });
      reply.header('cache-control', 'no-store');
      return { accessToken, refreshToken: result.refreshToken, expiresIn, sessionId };
    },
  );
};
