import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { callerOf } from '../mfa/caller-of.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { emailVerifyBody, linkRequestedSchema } from './email-verification-schemas.ts';
import { emailVerificationFlow, sendEmailVerification } from './send-email-verification.ts';

/**
 * `POST /auth/email/verify/request` (signed in) mails a new link to the caller's address, which
 * voids the previous one; `POST /auth/email/verify` takes the link's token once and marks the
 * address verified, if it is still the account's address. Sign-up sends the first link.
 */
export const emailVerificationRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'EMAIL_VERIFICATION_LIFETIME_SECONDS'>;
}> = async (app, { deps, settings }) => {
  app.post(
    '/auth/email/verify/request',
    { schema: { response: { 202: linkRequestedSchema } } },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const user = await deps.identity.users.get({ userId });
      if (!user) throw new AuthError('unauthenticated');
      await sendEmailVerification({ deps, settings, user, log: request.log, ip: request.ip });
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  app.post(
    '/auth/email/verify',
    {
      config: { public: true, refusals: ['invalid_link'] },
      schema: { body: emailVerifyBody, response: { 204: noContent } },
    },
    async (request, reply) => {
      const flow = await deps.identity.flows.take({ kind: emailVerificationFlow, id: request.body.token });
      const { userId, email } = flow ?? {};
      if (
        typeof userId !== 'string' ||
        typeof email !== 'string' ||
        !(await deps.identity.users.markEmailVerified({ userId, email }))
      ) {
        throw new AuthError('invalid_link');
      }
      await deps.identity.audit.record({ type: 'email.verified', userId, ip: request.ip });
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );
};
