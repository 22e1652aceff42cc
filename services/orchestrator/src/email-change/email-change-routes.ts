import { AuthError, mailLinkPaths, normalizeEmail } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { refuseLookAlikeEmail } from '../account/refuse-look-alike-email.ts';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { linkRequestedSchema } from '../email-verification/email-verification-schemas.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { invalidateCachedViews } from '../sessions/invalidate-cached-views.ts';
import { emailChangeConfirmBody, emailChangeRequestBody } from './email-change-schemas.ts';

export const emailChangeFlow = 'email_change';

/**
 * `PUT /auth/email` (step-up) asks to move the account to a new address: it answers the same 202
 * whether the address is free or another account holds it, after the same database work, and
 * mails a confirmation link to the new address only when it is free (voiding any earlier one).
 * Nothing changes until `POST /auth/email/change` takes that link's token: then the account moves
 * to the new address, which is verified by that very link, and the old address gets a notice.
 * The address in `GET /me`, sign-in and password reset stays the old one until then.
 */
export const emailChangeRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'EMAIL_CHANGE_LIFETIME_SECONDS'>;
}> = async (app, { deps, ceremonies, settings }) => {
  app.put(
    '/auth/email',
    {
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: { body: emailChangeRequestBody, response: { 202: linkRequestedSchema } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      refuseLookAlikeEmail(request.body.email);
      const user = await deps.identity.users.get({ userId });
      if (!user) throw new AuthError('unauthenticated');
      const email = normalizeEmail(request.body.email);
      const token = newLinkToken();
      const holder = await deps.identity.users.findEmailHolder({ email });
      if (holder === null) {
        const lifetimeSeconds = settings.EMAIL_CHANGE_LIFETIME_SECONDS;
        await deps.identity.flows.replaceForUser({
          kind: emailChangeFlow,
          id: token,
          userId,
          payload: { email, previousEmail: user.email },
          ttlSeconds: lifetimeSeconds,
        });
        const link = mailLink({ publicOrigin: settings.PUBLIC_ORIGIN, path: mailLinkPaths.confirmEmailChange, token });
        deps.mail.send(
          { to: email, template: { kind: 'confirm_email_change', email, link, lifetimeSeconds } },
          request.log,
        );
        await deps.identity.audit.record({ type: 'email.change_requested', userId, ip: request.ip });
      } else {
        // The same round trips as above: a write that matches nothing, then the audit row, which
        // names the holder for an operator (the caller's own address counts as taken too).
        await deps.identity.flows.take({ kind: emailChangeFlow, id: token });
        await deps.identity.audit.record({
          type: 'email.change_conflict',
          userId,
          ip: request.ip,
          detail: { existingUserId: holder },
        });
      }
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  app.post(
    '/auth/email/change',
    {
      config: { public: true, refusals: ['invalid_link', 'conflict'] },
      schema: { body: emailChangeConfirmBody, response: { 204: noContent } },
    },
    async (request, reply) => {
      const flow = await deps.identity.flows.take({ kind: emailChangeFlow, id: request.body.token });
      const { userId, email, previousEmail } = flow ?? {};
      if (typeof userId !== 'string' || typeof email !== 'string' || typeof previousEmail !== 'string') {
        throw new AuthError('invalid_link');
      }
      const result = await deps.identity.users.changeEmail({ userId, from: previousEmail, to: email });
      if (!result.changed) {
        await deps.identity.audit.record({
          type: 'email.change_conflict',
          userId,
          ip: request.ip,
          detail: {
            reason: result.reason,
            ...(result.reason === 'taken' && result.existingUserId ? { existingUserId: result.existingUserId } : {}),
          },
        });
        // Whoever holds the new mailbox may learn that it has an account now: they can ask for
        // a password reset there anyway.
        if (result.reason === 'taken') throw new AuthError('conflict', 'Another account took that address meanwhile.');
        throw new AuthError('invalid_link');
      }
      await invalidateCachedViews(deps, request.log, userId);
      await deps.identity.audit.record({ type: 'email.changed', userId, ip: request.ip });
      deps.mail.send(
        { to: previousEmail, template: { kind: 'email_changed', email: previousEmail, newEmail: email } },
        request.log,
      );
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );
};
