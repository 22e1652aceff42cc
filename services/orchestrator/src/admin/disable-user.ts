import { AuthError } from '@authscale/core';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { endEverySignIn } from '../sessions/end-every-sign-in.ts';

export interface DisableUserResult {
  userId: string;
  sessionsRevoked: number;
}

/**
 * The operator action: disable the user in identity first (sign-in and tenant membership checks
 * refuse them from that commit on), then end every refresh family with one write and every
 * session on the replicas. Safe to run again if a step failed.
 */
export async function disableUser(
  deps: Pick<OrchestratorDependencies, 'identity' | 'sessions' | 'refreshTokens'>,
  { email, reason }: { email: string; reason: string },
): Promise<DisableUserResult> {
  const disabled = await deps.identity.admin.disableUser({ email, reason });
  if (!disabled) throw new AuthError('not_found', 'No user has that email address.');
  const sessionsRevoked = await endEverySignIn(deps, { userId: disabled.userId });
  return { userId: disabled.userId, sessionsRevoked };
}
