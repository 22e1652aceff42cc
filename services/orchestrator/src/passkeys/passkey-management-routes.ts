import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import type { SecurityNotices } from '../notices/create-security-notices.ts';
import { noContent } from '../openapi/answer-schemas.ts';

// Only what an account page shows: the public key and the counter stay in the identity module.
const passkeySummary = Type.Object({
  id: Type.String(),
  transports: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

const credentialParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,1024}$' }) });

/** The signed-in user's own passkeys: list and delete, both behind step-up. */
export const passkeyManagementRoutes: FastifyPluginAsyncTypebox<{
  ceremonies: CeremonyDependencies;
  notices: SecurityNotices;
}> = async (app, { ceremonies, notices }) => {
  const { passkeys, elevation, identity } = ceremonies;
  const recent = requireRecentAuthentication(elevation);

  app.get(
    '/auth/passkeys',
    { preHandler: recent, schema: { response: { 200: Type.Object({ passkeys: Type.Array(passkeySummary) }) } } },
    async (request, reply) => {
      const { userId } = callerOf(request);
      reply.header('cache-control', 'no-store');
      return { passkeys: await passkeys.list({ userId }) };
    },
  );

  app.delete(
    '/auth/passkeys/:id',
    {
      config: { refusals: ['not_found'] },
      preHandler: recent,
      schema: { params: credentialParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      await passkeys.remove({ userId, credentialId: request.params.id });
      await identity.audit.record({
        type: 'mfa.removed',
        userId,
        ip: request.ip,
        detail: { method: 'passkey', credentialId: request.params.id },
      });
      await notices.notify({ userId, notice: 'passkey_removed', log: request.log });
      return reply.status(204).send();
    },
  );
};
