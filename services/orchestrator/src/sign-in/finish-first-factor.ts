import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticationMethod } from '../mfa/assurance-level.ts';
import { assuranceLevel } from '../mfa/assurance-level.ts';
import type { CeremonyDependencies, TokenPair } from '../mfa/ceremony-dependencies.ts';
import type { MfaChallenge } from '../mfa/create-mfa-challenges.ts';

export interface FinishFirstFactorOptions {
  ceremonies: Pick<CeremonyDependencies, 'totp' | 'mfaChallenges' | 'completeSignIn'>;
  request: FastifyRequest;
  reply: FastifyReply;
  userId: string;
  tenantId: string;
  firstFactor: MfaChallenge['firstFactor'] & AuthenticationMethod;
}

export type FirstFactorAnswer = TokenPair | { mfaRequired: true; mfaToken: string };

/**
 * What a proven first factor (a password, a mailed code) leads to: with TOTP enrolled, a challenge
 * for the second step and no session yet; otherwise the session and tokens.
 */
export async function finishFirstFactor({
  ceremonies,
  request,
  reply,
  userId,
  tenantId,
  firstFactor,
}: FinishFirstFactorOptions): Promise<FirstFactorAnswer> {
  if (await ceremonies.totp.isEnrolled({ userId })) {
    const mfaToken = await ceremonies.mfaChallenges.issue({ userId, tenantId, firstFactor });
    reply.header('cache-control', 'no-store');
    return { mfaRequired: true, mfaToken };
  }
  const amr = [firstFactor];
  return ceremonies.completeSignIn({ request, reply, userId, tenantId, amr, acr: assuranceLevel(amr) });
}
