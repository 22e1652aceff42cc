import { AuthError, countSignInAttempt } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { assuranceLevel } from '../mfa/assurance-level.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { sessionCallerOf } from '../mfa/session-caller-of.ts';
import type { SecurityNotices } from '../notices/create-security-notices.ts';
import { countedSignInFailure } from '../sign-in/counted-sign-in-failure.ts';
import { tokenPairSchema } from '../sign-in/sign-in-schemas.ts';
import { totpEmailRecoveryFlow } from '../totp-email-recovery/totp-email-recovery-routes.ts';

const codeBody = Type.Object({ code: Type.String({ minLength: 6, maxLength: 64 }) }, { additionalProperties: false });

/**
 * TOTP enrolment (a sensitive action: recent authentication required), the second step of a
 * sign-in (`/auth/mfa/totp`) and step-up for an existing session.
 */
export const totpRoutes: FastifyPluginAsyncTypebox<{
  ceremonies: CeremonyDependencies;
  notices: SecurityNotices;
}> = async (app, { ceremonies, notices }) => {
  const { totp, mfaChallenges, elevation, identity, completeSignIn } = ceremonies;
  const recent = requireRecentAuthentication(elevation);

  /**
   * Whoever just passed the second factor has not lost it, so a pending request to remove it by
   * email is void: it came from someone else, or it is no longer needed (docs/email.md).
   */
  async function voidEmailRecovery({ userId, ip }: { userId: string; ip: string }) {
    if ((await identity.flows.voidForUser({ kind: totpEmailRecoveryFlow, userId })) === 0) return;
    await identity.audit.record({ type: 'mfa.email_recovery_cancelled', userId, ip, detail: { via: 'second_factor' } });
  }

  app.post(
    '/auth/totp/enroll',
    {
      preHandler: recent,
      schema: { response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }) } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const user = await identity.users.get({ userId });
      reply.header('cache-control', 'no-store');
      return totp.enroll({ userId, accountName: user?.email ?? userId });
    },
  );

  app.post(
    '/auth/totp/activate',
    {
      config: { refusals: ['invalid_credentials', 'conflict'] },
      preHandler: recent,
      schema: { body: codeBody, response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const result = await totp.activate({ userId, code: request.body.code });
      await identity.audit.record({ type: 'mfa.enrolled', userId, ip: request.ip, detail: { method: 'totp' } });
      await notices.notify({ userId, notice: 'totp_enabled', log: request.log });
      reply.header('cache-control', 'no-store');
      return result;
    },
  );

  app.post(
    '/auth/mfa/totp',
    {
      config: { public: true, refusals: ['invalid_credentials'] },
      schema: {
        body: Type.Object(
          {
            mfaToken: Type.String({ minLength: 1, maxLength: 128 }),
            code: Type.String({ minLength: 6, maxLength: 64 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: tokenPairSchema },
      },
    },
    async (request, reply) => {
      const { mfaToken, code } = request.body;
      const challenge = await mfaChallenges.peek(mfaToken);
      if (!challenge) throw countedSignInFailure('totp', new AuthError('invalid_credentials'));
      let method: Awaited<ReturnType<typeof totp.verify>>;
      try {
        method = await totp.verify({ userId: challenge.userId, code });
      } catch (error) {
        await identity.audit.record({ type: 'mfa.failed', userId: challenge.userId, ip: request.ip });
        throw countedSignInFailure('totp', error);
      }
      // Spent only now, so a mistyped code can be retried; of two completions only one gets here.
      if (!(await mfaChallenges.spend(mfaToken)))
        throw countedSignInFailure('totp', new AuthError('invalid_credentials'));
      const amr = [challenge.firstFactor, 'otp'];
      const tokens = await completeSignIn({
        request,
        reply,
        userId: challenge.userId,
        tenantId: challenge.tenantId,
        amr,
        acr: assuranceLevel(amr),
      });
      countSignInAttempt('totp', 'success');
      await identity.audit.record({
        type: 'mfa.succeeded',
        userId: challenge.userId,
        tenantId: challenge.tenantId,
        ip: request.ip,
        detail: { method, sessionId: tokens.sessionId },
      });
      await voidEmailRecovery({ userId: challenge.userId, ip: request.ip });
      return tokens;
    },
  );

  app.post(
    '/auth/step-up/totp',
    {
      config: { refusals: ['invalid_credentials'] },
      schema: { body: codeBody, response: { 200: Type.Object({ elevatedForSeconds: Type.Integer() }) } },
    },
    async (request) => {
      const { userId, sessionId } = sessionCallerOf(request);
      const method = await totp.verify({ userId, code: request.body.code });
      await elevation.grant({ sessionId, userId });
      await identity.audit.record({ type: 'mfa.stepped_up', userId, ip: request.ip, detail: { method } });
      await voidEmailRecovery({ userId, ip: request.ip });
      return { elevatedForSeconds: elevation.ttlSeconds };
    },
  );
};
