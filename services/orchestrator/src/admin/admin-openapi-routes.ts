import type { FastifyPluginAsync } from 'fastify';

/** `GET /admin/openapi.json`: the admin API's own document (`adminOpenapiPlugin`), not listed in it. */
export const adminOpenapiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/admin/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
};
