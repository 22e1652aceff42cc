import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { displayNameSchema } from '../tenants/display-name-schema.ts';

const projectSchema = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String() });

/**
 * The tenant-scoped demo resource: every query runs under row-level security for `request.tenant`.
 * Members use it by role; API keys need `projects:read` to list and `projects:write` to create.
 */
export const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/projects',
    {
      config: { tenant: true, apiKeyScope: 'projects:read' },
      schema: { response: { 200: Type.Object({ projects: Type.Array(projectSchema) }) } },
    },
    async (request) => ({ projects: await request.withTenant((scope) => scope.projects.list()) }),
  );

  app.post(
    '/api/projects',
    {
      config: { tenant: true, apiKeyScope: 'projects:write' },
      schema: {
        body: Type.Object({ name: displayNameSchema(200) }, { additionalProperties: false }),
        response: { 201: projectSchema },
      },
    },
    async (request, reply) => {
      const project = await request.withTenant((scope) => scope.projects.create({ name: request.body.name }));
      return reply.status(201).send(project);
    },
  );
};
