import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { actingUser } from './acting-user.ts';
import { tenantNameBody, tenantSchema } from './tenant-schemas.ts';

/** `GET /api/tenants` (mine, with my role) and `POST /api/tenants` (a new one I own). */
export const tenantRoutes: FastifyPluginAsyncTypebox<{ deps: OrchestratorDependencies }> = async (app, { deps }) => {
  app.get(
    '/api/tenants',
    { schema: { response: { 200: Type.Object({ tenants: Type.Array(tenantSchema) }) } } },
    async (request) => ({ tenants: await deps.identity.memberships.tenantsOf({ userId: actingUser(request) }) }),
  );

  app.post(
    '/api/tenants',
    { schema: { body: tenantNameBody, response: { 201: tenantSchema } } },
    async (request, reply) => {
      const tenant = await deps.identity.memberships.createTenant({
        userId: actingUser(request),
        name: request.body.name,
      });
      return reply.status(201).send(tenant);
    },
  );
};
