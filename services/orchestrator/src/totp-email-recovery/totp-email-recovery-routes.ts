import { AuthError, mailLinkPaths, normalizeEmail } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { emailVerifyBody, linkRequestedSchema } from '../email-verification/email-verification-schemas.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { passwordResetRequestBody } from '../password-reset/password-reset-schemas.ts';
import { totpEmailRecoveryWindowSeconds } from './totp-email-recovery-config.ts';

export const totpEmailRecoveryFlow = 'totp_email_recovery';

/**
 * The way back for someone who lost their authenticator app and its recovery codes.
 *
 * `POST /auth/totp/email-recovery/request {email}` answers the same 202 for any address, and
 * mails an enabled account with a verified address and TOTP a link, which voids any earlier one.
 * The message is also the notice: it says when the link starts to work
 * (`TOTP_EMAIL_RECOVERY_DELAY_SECONDS`, 24 hours by default) and that whoever did not ask should
 * cancel. `POST /auth/totp/email-recovery/confirm {token}` refuses with 409 and `Retry-After`
 * until then, without spending the link; after it, it removes TOTP and its recovery codes once
 * and mails a notice. `POST /auth/totp/email-recovery/cancel {token}` voids the request. Each
 * step is audited. Only the second factor goes: signing in still takes the password (or a
 * reset, which mails its own notice and ends every session).
 */
export const totpEmailRecoveryRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'totp'>;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'TOTP_EMAIL_RECOVERY_DELAY_SECONDS'>;
}> = async (app, { deps, ceremonies, settings }) => {
  app.post(
    '/auth/totp/email-recovery/request',
    { config: { public: true }, schema: { body: passwordResetRequestBody, response: { 202: linkRequestedSchema } } },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const token = newLinkToken();
      const user = await deps.identity.users.findVerified({ email });
      if (user && (await ceremonies.totp.isEnrolled({ userId: user.id }))) {
        const waitSeconds = settings.TOTP_EMAIL_RECOVERY_DELAY_SECONDS;
        const lifetimeSeconds = waitSeconds + totpEmailRecoveryWindowSeconds;
        const notBefore = Math.floor(Date.now() / 1000) + waitSeconds;
        await deps.identity.flows.replaceForUser({
          kind: totpEmailRecoveryFlow,
          id: token,
          userId: user.id,
          payload: { email: user.email, notBefore },
          ttlSeconds: lifetimeSeconds,
        });
        const link = mailLink({ publicOrigin: settings.PUBLIC_ORIGIN, path: mailLinkPaths.totpEmailRecovery, token });
        deps.mail.send(
          {
            to: user.email,
            template: { kind: 'totp_email_recovery', email: user.email, link, lifetimeSeconds, waitSeconds },
          },
          request.log,
        );
        await deps.identity.audit.record({
          type: 'mfa.email_recovery_requested',
          userId: user.id,
          ip: request.ip,
          detail: { notBefore },
        });
      } else {
        // A write that matches nothing, then the audit row, as above.
        await deps.identity.flows.take({ kind: totpEmailRecoveryFlow, id: token });
        await deps.identity.audit.record({
          type: 'mfa.email_recovery_requested',
          ip: request.ip,
          detail: { known: false },
        });
      }
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  app.post(
    '/auth/totp/email-recovery/confirm',
    {
      config: { public: true, refusals: ['invalid_link', 'conflict'] },
      schema: {
        description:
          'Removes the authenticator app and its recovery codes. Until the waiting period is over: 409 `conflict` with `Retry-After` (seconds), and the link keeps working.',
        body: emailVerifyBody,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { token } = request.body;
      const pending = await deps.identity.flows.get({ kind: totpEmailRecoveryFlow, id: token });
      if (!pending || typeof pending.notBefore !== 'number') throw new AuthError('invalid_link');
      const waitLeft = pending.notBefore - Math.floor(Date.now() / 1000);
      // Looked at, not taken: the link still works once the waiting is over.
      if (waitLeft > 0) {
        throw new AuthError('conflict', 'The waiting period is not over.', { retryAfterSeconds: waitLeft });
      }
      const taken = await deps.identity.flows.take({ kind: totpEmailRecoveryFlow, id: token });
      const { userId, email } = taken ?? {};
      const user = typeof userId === 'string' ? await deps.identity.users.get({ userId }) : null;
      // A link mailed before an email change does not act on the account it has moved away from.
      if (!user || user.email !== email) throw new AuthError('invalid_link');
      if (await ceremonies.totp.isEnrolled({ userId: user.id })) await ceremonies.totp.disable({ userId: user.id });
      await deps.identity.audit.record({
        type: 'mfa.removed',
        userId: user.id,
        ip: request.ip,
        detail: { method: 'totp', via: 'email_recovery' },
      });
      deps.mail.send({ to: user.email, template: { kind: 'totp_removed', email: user.email } }, request.log);
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );

  app.post(
    '/auth/totp/email-recovery/cancel',
    {
      config: { public: true, refusals: ['invalid_link'] },
      schema: { body: emailVerifyBody, response: { 204: noContent } },
    },
    async (request, reply) => {
      const cancelled = await deps.identity.flows.take({ kind: totpEmailRecoveryFlow, id: request.body.token });
      if (!cancelled || typeof cancelled.userId !== 'string') throw new AuthError('invalid_link');
      await deps.identity.audit.record({
        type: 'mfa.email_recovery_cancelled',
        userId: cancelled.userId,
        ip: request.ip,
      });
      return reply.status(204).header('cache-control', 'no-store').send();
    },
  );
};
