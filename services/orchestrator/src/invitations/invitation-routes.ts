import { isAuthError, mailLinkPaths } from '@authscale/core';
import { maxPendingInvitations } from '@authscale/identity';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuseLookAlikeEmail } from '../account/refuse-look-alike-email.ts';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { linkRequestedSchema } from '../email-verification/email-verification-schemas.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { invalidateCachedViews } from '../sessions/invalidate-cached-views.ts';
import { actingUser } from '../tenants/acting-user.ts';
import { requireManager } from '../tenants/require-manager.ts';
import { tenantParams, tenantSchema } from '../tenants/tenant-schemas.ts';
import { acceptInvitationBody, invitationBody, invitationParams, invitationSchema } from './invitation-schemas.ts';

/**
 * Members join a tenant by invitation, never by an address alone: an owner or admin invites an
 * address (`POST /api/tenants/:tenantId/invitations`), the link goes to that mailbox, and only a
 * signed-in account whose verified address is the invited one can accept it
 * (`POST /api/invitations/accept`). Inviting answers the same 202 for any address and never reads
 * the users table, so it tells nobody which addresses have accounts. Managers list pending
 * invitations and revoke them. Like adding a member did, inviting needs a recent sign-in.
 */
export const invitationRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'INVITATION_LIFETIME_SECONDS'>;
}> = async (app, { deps, ceremonies, settings }) => {
  const invitations = deps.identity.invitations;

  app.post(
    '/api/tenants/:tenantId/invitations',
    {
      config: { tenant: true, refusals: ['conflict'] },
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: {
        description: `409 \`conflict\`: the tenant already has ${maxPendingInvitations} pending invitations.`,
        params: tenantParams,
        body: invitationBody,
        response: { 202: linkRequestedSchema },
      },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireManager(request);
      refuseLookAlikeEmail(request.body.email);
      const token = newLinkToken();
      const lifetimeSeconds = settings.INVITATION_LIFETIME_SECONDS;
      const invitation = await invitations.create({
        tenantId: request.params.tenantId,
        actorId,
        email: request.body.email,
        role: request.body.role,
        token,
        ttlSeconds: lifetimeSeconds,
      });
      const link = mailLink({ publicOrigin: settings.PUBLIC_ORIGIN, path: mailLinkPaths.acceptInvitation, token });
      deps.mail.send(
        {
          to: invitation.email,
          template: {
            kind: 'invitation',
            email: invitation.email,
            link,
            lifetimeSeconds,
            tenantName: invitation.tenantName,
            role: invitation.role,
          },
        },
        request.log,
      );
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  app.get(
    '/api/tenants/:tenantId/invitations',
    {
      config: { tenant: true },
      schema: { params: tenantParams, response: { 200: Type.Object({ invitations: Type.Array(invitationSchema) }) } },
    },
    async (request, reply) => {
      actingUser(request);
      requireManager(request);
      reply.header('cache-control', 'no-store');
      return { invitations: await invitations.list({ tenantId: request.params.tenantId }) };
    },
  );

  app.delete(
    '/api/tenants/:tenantId/invitations/:invitationId',
    {
      config: { tenant: true, refusals: ['not_found'] },
      schema: { params: invitationParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireManager(request);
      const { tenantId, invitationId } = request.params;
      await invitations.revoke({ tenantId, actorId, invitationId });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/invitations/accept',
    {
      config: { refusals: ['invalid_link', 'conflict'] },
      schema: { body: acceptInvitationBody, response: { 200: tenantSchema } },
    },
    async (request, reply) => {
      const userId = actingUser(request);
      let joined: Awaited<ReturnType<typeof invitations.accept>>;
      try {
        joined = await invitations.accept({ token: request.body.token, userId });
      } catch (error) {
        // Kept out of the refused transaction, so an account trying invitations not meant for it shows.
        if (isAuthError(error)) {
          await deps.identity.audit.record({
            type: 'invitation.refused',
            userId,
            ip: request.ip,
            detail: { code: error.code },
          });
        }
        throw error;
      }
      await invalidateCachedViews(deps, request.log, userId);
      return reply.header('cache-control', 'no-store').send(joined);
    },
  );
};
