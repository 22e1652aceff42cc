import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { invalidateCachedViews } from '../sessions/invalidate-cached-views.ts';
import { actingUser } from './acting-user.ts';
import { requireManager } from './require-manager.ts';
import { addMemberBody, changeRoleBody, memberParams, memberSchema, tenantParams } from './tenant-schemas.ts';

/**
 * Member management under `/api/tenants/:tenantId/members`: owners and admins list, add, change
 * and remove; anyone may leave or lower their own role. The role rules and the
 * last-owner rule are enforced by identity inside the change's transaction. Adding a member and
 * granting admin or owner let someone stay in the tenant: they need a recent sign-in or step-up.
 */
export const memberRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
}> = async (app, { deps, ceremonies }) => {
  const memberships = deps.identity.memberships;
  const recent = requireRecentAuthentication(ceremonies.elevation);

  app.get(
    '/api/tenants/:tenantId/members',
    {
      config: { tenant: true },
      schema: { params: tenantParams, response: { 200: Type.Object({ members: Type.Array(memberSchema) }) } },
    },
    async (request) => {
      actingUser(request);
      requireManager(request);
      return { members: await memberships.list({ tenantId: request.params.tenantId }) };
    },
  );

  app.post(
    '/api/tenants/:tenantId/members',
    {
      config: { tenant: true, refusals: ['not_found', 'conflict'] },
      preHandler: recent,
      schema: { params: tenantParams, body: addMemberBody, response: { 201: memberSchema } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireManager(request);
      const member = await memberships.add({ tenantId: request.params.tenantId, actorId, ...request.body });
      await invalidateCachedViews(deps, request.log, member.userId);
      return reply.status(201).send(member);
    },
  );

  app.patch(
    '/api/tenants/:tenantId/members/:userId',
    {
      // Step-up applies to granting admin or owner only, so it is checked inside.
      config: { tenant: true, refusals: ['step_up_required', 'not_found', 'conflict'] },
      schema: { params: memberParams, body: changeRoleBody, response: { 200: memberSchema } },
    },
    async (request) => {
      const actorId = actingUser(request);
      const { tenantId, userId } = request.params;
      if (request.body.role !== 'member') await recent(request);
      const member = await memberships.changeRole({ tenantId, actorId, userId, role: request.body.role });
      await invalidateCachedViews(deps, request.log, userId);
      return member;
    },
  );

  app.delete(
    '/api/tenants/:tenantId/members/:userId',
    {
      config: { tenant: true, refusals: ['not_found', 'conflict'] },
      schema: { params: memberParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      const { tenantId, userId } = request.params;
      await memberships.remove({ tenantId, actorId, userId });
      await invalidateCachedViews(deps, request.log, userId);
      return reply.status(204).send();
    },
  );
};
