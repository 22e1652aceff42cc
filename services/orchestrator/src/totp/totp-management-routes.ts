import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import type { SecurityNotices } from '../notices/create-security-notices.ts';
import { noContent } from '../openapi/answer-schemas.ts';

/** Turning TOTP off and replacing the recovery codes: both change MFA data, so both need step-up. */
export const totpManagementRoutes: FastifyPluginAsyncTypebox<{
  ceremonies: CeremonyDependencies;
  notices: SecurityNotices;
}> = async (app, { ceremonies, notices }) => {
  const { totp, elevation, identity } = ceremonies;
  const recent = requireRecentAuthentication(elevation);

  app.delete(
    '/auth/totp',
    { config: { refusals: ['not_found'] }, preHandler: recent, schema: { response: { 204: noContent } } },
    async (request, reply) => {
      const { userId } = callerOf(request);
      await totp.disable({ userId });
      await identity.audit.record({ type: 'mfa.removed', userId, ip: request.ip, detail: { method: 'totp' } });
      await notices.notify({ userId, notice: 'totp_disabled', log: request.log });
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/totp/recovery-codes',
    {
      config: { refusals: ['conflict'] },
      preHandler: recent,
      schema: { response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const result = await totp.regenerateRecoveryCodes({ userId });
      await identity.audit.record({ type: 'mfa.recovery_codes_replaced', userId, ip: request.ip });
      reply.header('cache-control', 'no-store');
      return result;
    },
  );
};
