import { AuthError, normalizeEmail } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { linkRequestedSchema } from '../email-verification/email-verification-schemas.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { hashPassword } from '../passwords/password-hashing.ts';
import { meetsPasswordPolicy } from '../passwords/password-policy.ts';
import { weakPasswordErrors } from '../passwords/weak-password-errors.ts';
import { endEverySignIn } from '../sessions/end-every-sign-in.ts';
import { passwordResetBody, passwordResetRequestBody } from './password-reset-schemas.ts';
import { passwordResetFlow, sendPasswordLink } from './send-password-link.ts';

/**
 * `POST /auth/password/reset/request` answers the same 202 for any address, after the same
 * database work, and mails a link (voiding the previous one) only when an enabled account with a
 * password has it; the mail is queued, never awaited, so its timing does not tell either.
 * `POST /auth/password/reset` takes the token once, sets the new password (the signup rules,
 * Argon2id), ends every session and refresh family of the user and mails them a notice. A second
 * factor still guards the next sign-in: the link replaces the password, nothing else.
 */
export const passwordResetRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'PASSWORD_RESET_LIFETIME_SECONDS'>;
}> = async (app, { deps, settings }) => {
  app.post(
    '/auth/password/reset/request',
    { config: { public: true }, schema: { body: passwordResetRequestBody, response: { 202: linkRequestedSchema } } },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const login = await deps.identity.users.findPasswordLogin({ email });
      if (login) {
        await sendPasswordLink(deps, {
          user: { id: login.userId, email },
          kind: 'reset_password',
          lifetimeSeconds: settings.PASSWORD_RESET_LIFETIME_SECONDS,
          publicOrigin: settings.PUBLIC_ORIGIN,
          log: request.log,
        });
        await deps.identity.audit.record({ type: 'password.reset_requested', userId: login.userId, ip: request.ip });
      } else {
        // The same round trips as above: a write that matches nothing, then the audit row.
        await deps.identity.flows.take({ kind: passwordResetFlow, id: newLinkToken() });
        await deps.identity.audit.record({
          type: 'password.reset_requested',
          ip: request.ip,
          detail: { known: false },
        });
      }
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      config: { public: true, refusals: ['weak_password', 'invalid_link'] },
      schemaErrorFormatter: weakPasswordErrors('password'),
      schema: { body: passwordResetBody, response: { 204: noContent } },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      // Checked before the token is spent, so a refused password leaves the link usable.
      if (!meetsPasswordPolicy(password)) throw new AuthError('weak_password');
      const flow = await deps.identity.flows.take({ kind: passwordResetFlow, id: token });
      const { userId, email } = flow ?? {};
      const user = typeof userId === 'string' ? await deps.identity.users.get({ userId }) : null;
      // A link mailed before an email change does not reset the account it has moved away from.
      if (!user || user.email !== email) throw new AuthError('invalid_link');
      await deps.identity.users.resetPassword({ userId: user.id, passwordHash: await hashPassword(password) });
      // Whoever held the old password, or a session or refresh token, is signed out everywhere.
      const sessionsRevoked = await endEverySignIn(deps, { userId: user.id });
      await deps.loginThrottle.succeeded({ email: user.email, ip: request.ip });
      await deps.identity.audit.record({
        type: 'password.reset',
        userId: user.id,
        ip: request.ip,
        detail: { sessionsRevoked },
      });
      deps.mail.send({ to: user.email, template: { kind: 'password_was_reset', email: user.email } }, request.log);
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );
};
