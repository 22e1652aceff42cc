import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { invalidateCachedViews } from '../sessions/invalidate-cached-views.ts';
import { emailSchema } from '../sign-in/sign-in-schemas.ts';
import { refuseLookAlikeEmail } from './refuse-look-alike-email.ts';

/**
 * `PUT /auth/email`, behind step-up. Like signup, the answer is the same 204 whether the address
 * was free or another account holds it, so this route does not say which emails have accounts;
 * a taken address changes nothing and is audited against the caller, naming the holder. The
 * caller can still read their own email afterwards (`GET /me`), just as a signup can be followed
 * by a sign-in attempt: every probe costs a signed-in, stepped-up account. A deployment that
 * sends mail should confirm the new address by a link instead, which closes that too.
 */
export const emailRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
}> = async (app, { deps, ceremonies }) => {
  app.put(
    '/auth/email',
    {
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: {
        body: Type.Object({ email: emailSchema }, { additionalProperties: false }),
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      refuseLookAlikeEmail(request.body.email);
      const result = await deps.identity.users.changeEmail({ userId, email: request.body.email });
      if (result.changed) {
        await invalidateCachedViews(deps, request.log, userId);
        await deps.identity.audit.record({ type: 'email.changed', userId, ip: request.ip });
      } else {
        await deps.identity.audit.record({
          type: 'email.change_conflict',
          userId,
          ip: request.ip,
          ...(result.existingUserId ? { detail: { existingUserId: result.existingUserId } } : {}),
        });
      }
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );
};
