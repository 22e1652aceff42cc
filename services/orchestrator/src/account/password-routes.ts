import { AuthError } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { hashPassword } from '../passwords/password-hashing.ts';
import { meetsPasswordPolicy } from '../passwords/password-policy.ts';
import { verifyPassword } from '../passwords/verify-password.ts';
import { weakPasswordErrors } from '../passwords/weak-password-errors.ts';
import { revokeOtherSessions } from '../sessions/revoke-other-sessions.ts';
import { newPasswordSchema, passwordSchema } from '../sign-in/sign-in-schemas.ts';

const body = Type.Object(
  { currentPassword: passwordSchema, newPassword: newPasswordSchema },
  { additionalProperties: false },
);

/**
 * `PUT /auth/password`: step-up and the current password, then the signup rules for the new one
 * (length in code points, not a common password) and an Argon2id hash. Every other session and
 * its refresh family ends: whoever else knew the old password is signed out. Wrong current
 * passwords count against the account's sign-in throttle, so this is no side door for guessing.
 */
export const passwordRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
}> = async (app, { deps, ceremonies }) => {
  app.put(
    '/auth/password',
    {
      config: { refusals: ['invalid_credentials', 'weak_password', 'conflict'] },
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schemaErrorFormatter: weakPasswordErrors('newPassword'),
      schema: { body, response: { 200: Type.Object({ otherSessionsRevoked: Type.Integer() }) } },
    },
    async (request, reply) => {
      const { userId, sessionId } = callerOf(request);
      const { currentPassword, newPassword } = request.body;
      const user = await deps.identity.users.get({ userId });
      if (!user) throw new AuthError('unauthenticated');
      const gate = await deps.loginThrottle.attempt({ email: user.email, ip: request.ip });
      if (!gate.allowed) throw new AuthError('rate_limited', undefined, { retryAfterSeconds: gate.retryAfterSeconds });
      const previousHash = await deps.identity.users.passwordHashOf({ userId });
      if (!(await verifyPassword({ password: currentPassword, passwordHash: previousHash })) || !previousHash) {
        await deps.identity.audit.record({ type: 'password.change_failed', userId, ip: request.ip });
        throw new AuthError('invalid_credentials');
      }
      await deps.loginThrottle.succeeded({ email: user.email, ip: request.ip });
      if (!meetsPasswordPolicy(newPassword)) throw new AuthError('weak_password');
      const passwordHash = await hashPassword(newPassword);
      if (!(await deps.identity.users.replacePasswordHash({ userId, previousHash, passwordHash }))) {
        throw new AuthError('conflict', 'The password changed meanwhile; try again.');
      }
      const otherSessionsRevoked = await revokeOtherSessions(deps, {
        userId,
        keepSessionId: sessionId,
        reason: 'password_changed',
      });
      await deps.identity.audit.record({
        type: 'password.changed',
        userId,
        ip: request.ip,
        detail: { otherSessionsRevoked },
      });
      deps.mail.send({ to: user.email, template: { kind: 'password_changed', email: user.email } }, request.log);
      reply.header('cache-control', 'no-store');
      return { otherSessionsRevoked };
    },
  );
};
