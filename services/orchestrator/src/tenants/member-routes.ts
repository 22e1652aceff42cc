import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { invalidateCachedViews } from '../sessions/invalidate-cached-views.ts';
import { actingUser } from './acting-user.ts';
import { requireManager } from './require-manager.ts';
import { changeRoleBody, memberParams, memberSchema, tenantParams } from './tenant-schemas.ts';

/**
 * Member management under `/api/tenants/:tenantId/members`: owners and admins list, change and
 * remove; anyone may leave or lower their own role. The role rules and the last-owner rule are
 * enforced by identity inside the change's transaction. Every change needs a recent sign-in or
 * step-up: granting admin or owner lets an intruder stay in, and removing or demoting a member,
 * the owner included, locks them out. Members join by invitation
 * (`invitations/invitation-routes.ts`): there is no route that adds an account by its address,
 * which would hand the tenant to whoever registered the address first.
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

  app.patch(
    '/api/tenants/:tenantId/members/:userId',
    {
      config: { tenant: true, refusals: ['not_found', 'conflict'] },
      schema: { params: memberParams, body: changeRoleBody, response: { 200: memberSchema } },
      preHandler: recent,
    },
    async (request) => {
      const actorId = actingUser(request);
      const { tenantId, userId } = request.params;
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
      preHandler: recent,
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
