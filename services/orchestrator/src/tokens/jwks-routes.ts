import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { SigningKeys } from './signing-keys.ts';

/** The public half of a signing key, as `loadSigningKeys` publishes it (EC P-256, ES256 only). */
const publicJwkSchema = Type.Object({
  kty: Type.Literal('EC'),
  crv: Type.Literal('P-256'),
  x: Type.String(),
  y: Type.String(),
  kid: Type.String(),
  alg: Type.Literal('ES256'),
  use: Type.Literal('sig'),
});

/** `GET /.well-known/jwks.json`: the public halves of the signing keys, for access-token verifiers. */
export const jwksRoutes: FastifyPluginAsyncTypebox<{ keys: SigningKeys }> = async (app, { keys }) => {
  const schema = { response: { 200: Type.Object({ keys: Type.Array(publicJwkSchema) }) } };
  app.get('/.well-known/jwks.json', { config: { public: true }, schema }, async (_request, reply) => {
    // Verifiers refetch on an unknown kid, so a short max-age is not needed for rotation.
    reply.header('cache-control', 'public, max-age=300');
    // `loadSigningKeys` publishes only EC P-256 keys with exactly these members.
    return keys.publicJwks as { keys: Static<typeof publicJwkSchema>[] };
  });
};
