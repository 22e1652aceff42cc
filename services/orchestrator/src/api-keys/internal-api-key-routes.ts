import { AuthError, type RotatingSecret } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { verifyApiKeyBody } from './api-key-schemas.ts';
import { requireInternalToken } from './require-internal-token.ts';

/**
 * `POST /internal/api-keys/verify {key}`: the edge's request auth asks on every request with an
 * API key. 200 `{keyId, tenantId, scopes}` for a live key whose creator is still an owner or admin
 * of its tenant (not removed, demoted or disabled: a key must not keep someone in who is out), 401
 * for anything else. Guarded by the
 * internal token instead of a principal; the edge never proxies `/internal`.
 */
export const internalApiKeyRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  /** `internalApiToken(config)`: callers send its current value, or its previous or next one mid-rotation. */
  internalToken: RotatingSecret;
}> = async (app, { deps, internalToken }) => {
  const { apiKeys } = deps;

  app.post(
    '/internal/api-keys/verify',
    {
      config: { public: true },
      onRequest: requireInternalToken(internalToken),
      schema: {
        body: verifyApiKeyBody,
        response: {
          200: Type.Object({ keyId: Type.String(), tenantId: Type.String(), scopes: Type.Array(Type.String()) }),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const live = await apiKeys.verify(request.body.key);
      if (!live) throw new AuthError('unauthenticated');
      const creatorRole = await deps.identity.memberships.find({ userId: live.createdBy, tenantId: live.tenantId });
      if (creatorRole !== 'owner' && creatorRole !== 'admin') throw new AuthError('unauthenticated');
      // Bookkeeping must not cost the caller its request: a failed write is logged, not answered.
      await apiKeys.recordUse(live).catch((error: unknown) => {
        request.log.warn({ err: error, keyId: live.keyId }, 'api key last-used write failed');
      });
      const { keyId, tenantId, scopes } = live;
      return { keyId, tenantId, scopes };
    },
  );
};
