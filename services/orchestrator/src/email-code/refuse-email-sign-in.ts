import { AuthError, countSignInAttempt } from '@authscale/core';
import type { FastifyRequest } from 'fastify';
import type { OrchestratorDependencies } from '../dependencies.ts';

export type EmailSignInMethod = 'email_code' | 'email_link';

/** Audits a code or link that signed no one in, and refuses it as a wrong password is refused. */
export async function refuseEmailSignIn({
  deps,
  request,
  method,
  userId,
}: {
  deps: Pick<OrchestratorDependencies, 'identity'>;
  request: FastifyRequest;
  method: EmailSignInMethod;
  userId?: string | undefined;
}): Promise<never> {
  await deps.identity.audit.record({
    type: 'login.failed',
    ip: request.ip,
    detail: { method },
    ...(userId ? { userId } : {}),
  });
  countSignInAttempt(method, 'failure');
  throw new AuthError('invalid_credentials');
}
