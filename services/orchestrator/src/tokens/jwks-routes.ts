import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SigningKeys } from './signing-keys.ts';

/** `GET /.well-known/jwks.json`: the public halves of the signing keys, for access-token verifiers. */
export const jwksRoutes: FastifyPluginAsyncTypebox<{ keys: SigningKeys }> = async (app, { keys }) => {
  app.get('/.well-known/jwks.json', { config: { public: true } }, async (_request, reply) => {
    // Verifiers refetch on an unknown kid, so a short max-age is not needed for rotation.
    reply.header('cache-control', 'public, max-age=300');
    return keys.publicJwks;
  });
};
