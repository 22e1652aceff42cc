import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actingUser } from '../tenants/acting-user.ts';
import { requireManager } from '../tenants/require-manager.ts';
import { tenantParams } from '../tenants/tenant-schemas.ts';

const auditEventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

/** `GET /api/tenants/:tenantId/audit-events`: newest first, for the tenant's owners and admins. */
export const auditEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tenants/:tenantId/audit-events',
    {
      config: { tenant: true },
      schema: {
        params: tenantParams,
        querystring: Type.Object(
          {
            // Query strings are not coerced (the services' validator never coerces): digits only.
            limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$' })),
            before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ events: Type.Array(auditEventSchema) }) },
      },
    },
    async (request) => {
      actingUser(request);
      requireManager(request);
      const { limit = '100', before } = request.query;
      const events = await request.withTenant((scope) =>
        scope.auditEvents.list({ limit: Number(limit), ...(before ? { before } : {}) }),
      );
      return { events };
    },
  );
};
