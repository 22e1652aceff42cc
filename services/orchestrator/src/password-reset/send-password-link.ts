import { mailLinkPaths } from '@authscale/core';
import type { FastifyBaseLogger } from 'fastify';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';

export const passwordResetFlow = 'password_reset';

/**
 * Mails the user a one-time link that sets their password (`POST /auth/password/reset`), voiding
 * the link mailed before it. The mail is queued, never awaited: its timing tells nothing.
 */
export async function sendPasswordLink(
  deps: Pick<OrchestratorDependencies, 'identity' | 'mail'>,
  {
    user,
    kind,
    lifetimeSeconds,
    publicOrigin,
    log,
  }: {
    user: { id: string; email: string };
    /** A reset the user asked for, or the first password of an account an operator made. */
    kind: 'reset_password' | 'account_created';
    lifetimeSeconds: number;
    publicOrigin: string;
    log: FastifyBaseLogger;
  },
): Promise<void> {
  const token = newLinkToken();
  await deps.identity.flows.replaceForUser({
    kind: passwordResetFlow,
    id: token,
    userId: user.id,
    payload: { email: user.email },
    ttlSeconds: lifetimeSeconds,
  });
  const link = mailLink({ publicOrigin, path: mailLinkPaths.resetPassword, token });
  deps.mail.send({ to: user.email, template: { kind, email: user.email, link, lifetimeSeconds } }, log);
}
