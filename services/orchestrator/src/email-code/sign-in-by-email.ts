import { countSignInAttempt } from '@authscale/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { loginAccountKey } from '../login-throttle/create-login-throttle.ts';
import type { DeviceCookies } from '../login-throttle/device-cookies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { type FirstFactorAnswer, finishFirstFactor } from '../sign-in/finish-first-factor.ts';
import { emailCodeLinkFlow } from './email-code-flows.ts';
import { type EmailSignInMethod, refuseEmailSignIn } from './refuse-email-sign-in.ts';

export interface SignInByEmailOptions {
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'totp' | 'mfaChallenges' | 'completeSignIn'>;
  deviceCookies: DeviceCookies;
  request: FastifyRequest;
  reply: FastifyReply;
  /** The spent record of the account's code: who it was mailed to. */
  pending: Record<string, unknown>;
  method: EmailSignInMethod;
}

/**
 * Signs in the account a spent code or link was mailed for, as a right password does: the
 * back-off of this client or device cleared, a TOTP challenge or the session, a device cookie.
 */
export async function signInByEmail({
  deps,
  ceremonies,
  deviceCookies,
  request,
  reply,
  pending,
  method,
}: SignInByEmailOptions): Promise<FirstFactorAnswer> {
  const { userId, email } = pending;
  const user = typeof userId === 'string' ? await deps.identity.users.get({ userId }) : null;
  const tenantId = user ? await deps.identity.memberships.defaultTenant({ userId: user.id }) : null;
  // A code mailed before an email change does not sign in to the account it has moved away from.
  if (!user || user.email !== email || !tenantId) return refuseEmailSignIn({ deps, request, method, userId: user?.id });
  await deps.identity.flows.voidForUser({ kind: emailCodeLinkFlow, userId: user.id });
  const account = loginAccountKey(user.email);
  const device = deviceCookies.deviceIn(request.headers.cookie, account);
  await deps.loginThrottle.succeeded({ email: user.email, ip: request.ip, device });
  const answer = await finishFirstFactor({
    ceremonies,
    request,
    reply,
    userId: user.id,
    tenantId,
    firstFactor: 'email',
  });
  // Proof of the mailbox, like a right password: this browser's own guesses are its own from now on.
  const setCookie = deviceCookies.earned(request.headers.cookie, account);
  if (setCookie) reply.header('set-cookie', setCookie);
  countSignInAttempt(method, 'mfaRequired' in answer ? 'mfa_required' : 'success');
  if ('mfaRequired' in answer) return answer;
  await deps.identity.audit.record({
    type: 'login.succeeded',
    userId: user.id,
    tenantId,
    ip: request.ip,
    detail: { method, sessionId: answer.sessionId },
  });
  return answer;
}
