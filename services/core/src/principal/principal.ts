import { type Static, Type } from 'typebox';

/** How the edge authenticated the caller. */
export type CredentialKind = 'session' | 'jwt' | 'api_key';

/** The caller as request authentication established it: ids only, no identity data. */
export const principalSchema = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 128 }),
  sessionId: Type.String({ minLength: 1, maxLength: 128 }),
  tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  amr: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 }),
  acr: Type.String({ maxLength: 64 }),
  /** Epoch SECONDS when the user last actively authenticated (session records keep milliseconds). */
  authTime: Type.Integer({ minimum: 0 }),
  kind: Type.Union([Type.Literal('session'), Type.Literal('jwt'), Type.Literal('api_key')]),
  /** API keys only: what the key may do. Users have no scopes; their role in the tenant decides. */
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
});

export type Principal = Static<typeof principalSchema>;

/** The assertion's audience and issuer: it is for internal hops only. */
export const principalAudience = 'authscale-internal';
export const principalIssuer = 'authscale-edge';
export const principalHeaderName = 'x-authscale-principal';
