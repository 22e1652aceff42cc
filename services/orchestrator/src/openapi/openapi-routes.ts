import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** `GET /openapi.json`: the document `openapiPlugin` builds (not listed in it); the edge forwards it. */
export const openapiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
};
