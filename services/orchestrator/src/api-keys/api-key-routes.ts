import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { actingUser } from '../tenants/acting-user.ts';
import { requireManager } from '../tenants/require-manager.ts';
import { tenantParams } from '../tenants/tenant-schemas.ts';
import {
  apiKeyLifetimeDays,
  apiKeyParams,
  apiKeyViewSchema,
  createApiKeyBody,
  createdApiKeySchema,
} from './api-key-schemas.ts';

/**
 * API keys under `/api/tenants/:tenantId/api-keys`, for the tenant's owners and admins signed in
 * as themselves (a key cannot mint or list keys). The key is in the creation answer only. Minting
 * one hands out a way in that outlives the session, so it needs a recent sign-in or step-up.
 */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
}> = async (app, { deps, ceremonies }) => {
  const { apiKeys, identity } = deps;

  app.get(
    '/api/tenants/:tenantId/api-keys',
    {
      config: { tenant: true },
      schema: { params: tenantParams, response: { 200: Type.Object({ apiKeys: Type.Array(apiKeyViewSchema) }) } },
    },
    async (request, reply) => {
      actingUser(request);
      requireManager(request);
      reply.header('cache-control', 'no-store');
      return { apiKeys: await apiKeys.list({ tenantId: request.params.tenantId }) };
    },
  );

  app.post(
    '/api/tenants/:tenantId/api-keys',
    {
      config: { tenant: true },
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: { params: tenantParams, body: createApiKeyBody, response: { 201: createdApiKeySchema } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireManager(request);
      const { tenantId } = request.params;
      const { name, scopes, expiresInDays = apiKeyLifetimeDays.default } = request.body;
      const { key, view } = await apiKeys.create({ tenantId, name, scopes, createdBy: actorId, expiresInDays });
      await identity.audit.record({
        type: 'api_key.created',
        userId: actorId,
        tenantId,
        ip: request.ip,
        detail: {
          keyId: view.keyId,
          name: view.name,
          scopes: view.scopes.join(' '),
          expiresAt: view.expiresAt,
        },
      });
      // After the fact: the key is a DynamoDB item, outside the outbox's transaction.
      await identity.events.publish({
        type: 'api_key.created',
        data: { userId: actorId, tenantId, keyId: view.keyId },
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...view, key });
    },
  );

  app.delete(
    '/api/tenants/:tenantId/api-keys/:keyId',
    {
      config: { tenant: true, refusals: ['not_found'] },
      schema: { params: apiKeyParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireManager(request);
      const { tenantId, keyId } = request.params;
      const revoked = await apiKeys.revoke({ tenantId, keyId });
      if (!revoked) throw new AuthError('not_found', 'The tenant has no such API key.');
      await identity.audit.record({
        type: 'api_key.revoked',
        userId: actorId,
        tenantId,
        ip: request.ip,
        detail: { keyId, name: revoked.name },
      });
      await identity.events.publish({ type: 'api_key.revoked', data: { userId: actorId, tenantId, keyId } });
      return reply.status(204).send();
    },
  );
};
