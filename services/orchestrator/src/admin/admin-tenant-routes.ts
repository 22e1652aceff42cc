import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDependencies } from './admin-dependencies.ts';
import { pageLimit, tenantDetailSchema, tenantPageSchema, tenantParams } from './admin-schemas.ts';

/** `/admin/tenants`: every tenant and its members, as an operator sees them (read only). */
export const adminTenantRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDependencies }> = async (app, { deps }) => {
  app.get(
    '/admin/tenants',
    {
      config: { operatorScope: 'tenants:read' },
      schema: {
        querystring: Type.Object(
          { after: Type.Optional(Type.String({ format: 'uuid' })), limit: pageLimit },
          { additionalProperties: false },
        ),
        response: { 200: tenantPageSchema },
      },
    },
    async (request) => {
      const { after, limit = '50' } = request.query;
      const tenants = await deps.identity.operators.listTenants({ ...(after ? { after } : {}), limit: Number(limit) });
      return { tenants, next: tenants.length === Number(limit) ? (tenants.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/admin/tenants/:tenantId',
    {
      config: { operatorScope: 'tenants:read', refusals: ['not_found'] },
      schema: { params: tenantParams, response: { 200: tenantDetailSchema } },
    },
    async (request) => {
      const tenant = await deps.identity.operators.describeTenant({ tenantId: request.params.tenantId });
      if (!tenant) throw new AuthError('not_found', 'No tenant has that id.');
      return tenant;
    },
  );
};
