import { Type } from 'typebox';
import { apiKeyIdPattern } from './api-key-crypto.ts';
import { apiKeyScopeSchema, apiKeyScopes } from './api-key-scopes.ts';

export const apiKeyViewSchema = Type.Object({
  keyId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  /** After this the key is refused and leaves the listing; null: until revoked. */
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});

/** The creation answer: the only time the key itself is shown. */
export const createdApiKeySchema = Type.Object({ ...apiKeyViewSchema.properties, key: Type.String() });

export const createApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    scopes: Type.Array(apiKeyScopeSchema, { minItems: 1, maxItems: apiKeyScopes.length, uniqueItems: true }),
    /** Absent: the key lives until revoked. */
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const apiKeyParams = Type.Object({
  tenantId: Type.String({ format: 'uuid' }),
  keyId: Type.String({ pattern: apiKeyIdPattern }),
});

export const verifyApiKeyBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
