import { Type } from 'typebox';

/** One OpenID provider, as configured per environment (`OIDC_PROVIDERS`, a JSON array). */
export const oidcProviderSettingsSchema = Type.Object(
  {
    /** The path segment in `/auth/oidc/:provider/...`. */
    name: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }),
    issuer: Type.String({ format: 'uri', minLength: 8 }),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.String({ minLength: 1 }),
    /** @default 'openid email' */
    scope: Type.String({ default: 'openid email', pattern: '(^|\\s)openid(\\s|$)' }),
    /** Exact same-origin paths a sign-in may return to; the first is the default. */
    allowedReturnTo: Type.Array(Type.String({ pattern: '^/(?!/)[^\\s\\\\]*$' }), { minItems: 1, default: ['/'] }),
    /**
     * Opt-in: a sign-in whose verified email matches an account that proved the same address joins
     * that account. Only for a provider whose email verification this deployment trusts as much as
     * its own (a company IdP that owns the domain); otherwise the holder connects the provider while
     * signed in. @default false
     */
    linkByVerifiedEmail: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export type OidcProviderSettings = Type.Static<typeof oidcProviderSettingsSchema>;
