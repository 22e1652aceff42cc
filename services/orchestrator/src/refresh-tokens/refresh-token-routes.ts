import { AuthError, countRefreshTokenUse } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { tokenPairSchema } from '../sign-in/sign-in-schemas.ts';

/**
 * `POST /auth/token/refresh`: rotates the refresh token and issues a new access token. A replay
 * outside the grace window revokes the family and its session before answering 401; a family
 * whose session ended (logout, revoke-all, expiry on the replicas) is revoked too.
 */
export const refreshTokenRoutes: FastifyPluginAsyncTypebox<{ deps: OrchestratorDependencies }> = async (
  app,
  { deps },
) => {
  app.post(
    '/auth/token/refresh',
    {
      // A token that is unknown, spent past its grace or of an ended session: 401, as a replay is.
      config: { public: true, refusals: ['unauthenticated'] },
      schema: {
        body: Type.Object(
          { refreshToken: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
        response: { 200: tokenPairSchema },
      },
    },
    async (request, reply) => {
      let addedClaims: Record<string, unknown> = {};
      // Using the refresh token is the user's activity too: the session's idle expiry slides. The
      // before-token hook is asked here, before the rotation is written: a fail-closed refusal
      // leaves the refresh token as it was, for the client to try again.
      const result = await deps.refreshTokens.rotate(request.body.refreshToken, async (family) => {
        if ((await deps.sessions.touch(family.userId, family.familyId)) === null) return false;
        const { userId, familyId: sessionId, tenantId, amr, acr } = family;
        addedClaims = await app.accessTokens.claimsFor(
          { userId, sessionId, tenantId, amr, acr },
          'refresh',
          request.log,
        );
        return true;
      });
      countRefreshTokenUse(result.outcome === 'rotated' && result.repeated ? 'grace' : result.outcome);
      if (result.outcome === 'invalid' || result.outcome === 'session_ended') throw new AuthError('unauthenticated');
      const { familyId: sessionId, userId, tenantId, amr, acr, authTime } = result.family;
      if (result.outcome === 'replayed') {
        // A leaked token, or a client that lost a rotation's answer: the RefreshReplayed alarm counts these lines.
        request.log.warn(
          { event: 'refresh.replayed', userId },
          'a used refresh token came back; its family and session end',
        );
        await deps.sessions.revoke(userId, sessionId);
        await deps.identity.audit.record({ type: 'refresh.replayed', userId, ip: request.ip, detail: { sessionId } });
        await deps.identity.events.publish({ type: 'refresh.replayed', data: { userId, sessionId } });
        await deps.identity.events.publish({ type: 'session.revoked', data: { userId, sessionId, reason: 'revoked' } });
        throw new AuthError('unauthenticated');
      }
      const { accessToken, expiresIn } = await app.accessTokens.issue(
        { userId, sessionId, tenantId, amr, acr, authTime },
        addedClaims,
      );
      reply.header('cache-control', 'no-store');
      return { accessToken, refreshToken: result.refreshToken, expiresIn, sessionId };
    },
  );
};
