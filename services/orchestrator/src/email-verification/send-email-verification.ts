import { mailLinkPaths } from '@authscale/core';
import type { FastifyBaseLogger } from 'fastify';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';

export const emailVerificationFlow = 'email_verification';

export interface SendEmailVerificationOptions {
  deps: Pick<OrchestratorDependencies, 'identity' | 'mail'>;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'EMAIL_VERIFICATION_LIFETIME_SECONDS'>;
  user: { id: string; email: string };
  log: FastifyBaseLogger;
  ip: string;
}

/**
 * Stores a new verification token for the user's current address (voiding any earlier one) and
 * queues the mail with its link; does not wait for the mail server.
 */
export async function sendEmailVerification({ deps, settings, user, log, ip }: SendEmailVerificationOptions) {
  const token = newLinkToken();
  const lifetimeSeconds = settings.EMAIL_VERIFICATION_LIFETIME_SECONDS;
  await deps.identity.flows.replaceForUser({
    kind: emailVerificationFlow,
    id: token,
    userId: user.id,
    payload: { email: user.email },
    ttlSeconds: lifetimeSeconds,
  });
  const link = mailLink({ publicOrigin: settings.PUBLIC_ORIGIN, path: mailLinkPaths.verifyEmail, token });
  deps.mail.send({ to: user.email, template: { kind: 'verify_email', email: user.email, link, lifetimeSeconds } }, log);
  await deps.identity.audit.record({ type: 'email.verification_sent', userId: user.id, ip });
}
