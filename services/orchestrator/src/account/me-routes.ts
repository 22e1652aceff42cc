import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** `GET /me`: the caller and their role in the current tenant. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    {
      config: { tenant: true },
      schema: {
        response: {
          200: Type.Object({
            user: Type.Object({ id: Type.String(), email: Type.String() }),
            tenant: Type.Object({ id: Type.String(), role: Type.String() }),
          }),
        },
      },
    },
    async (request) => {
      const { id, role } = request.tenant as NonNullable<typeof request.tenant>;
      // Only members have a role here; an API key has no user to describe.
      if (role === null) throw new AuthError('forbidden');
      // Read with the membership, in the same query, so /me is one round trip to Postgres.
      const user = request.tenantUser;
      if (!user) throw new AuthError('unauthenticated');
      return { user: { id: user.id, email: user.email }, tenant: { id, role } };
    },
  );
};
