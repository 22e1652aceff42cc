import { Type } from 'typebox';
import { displayNameSchema } from '../tenants/display-name-schema.ts';
import { apiKeyIdPattern } from './api-key-crypto.ts';
import { apiKeyScopeSchema, apiKeyScopes } from './api-key-scopes.ts';

export const apiKeyViewSchema = Type.Object({
  keyId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  /** After this the key is refused and leaves the listing; every key has one. */
  expiresAt: Type.String(),
});

/** The creation answer: the only time the key itself is shown. */
export const createdApiKeySchema = Type.Object({ ...apiKeyViewSchema.properties, key: Type.String() });

/**
 * How long a key lives: it cannot live until revoked, so a forgotten key dies on its own. The
 * creator's membership bounds it too (`internal-api-key-routes.ts`).
 */
export const apiKeyLifetimeDays = { default: 90, maximum: 365 } as const;

export const createApiKeyBody = Type.Object(
  {
    name: displayNameSchema(100),
    scopes: Type.Array(apiKeyScopeSchema, { minItems: 1, maxItems: apiKeyScopes.length, uniqueItems: true }),
    expiresInDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: apiKeyLifetimeDays.maximum,
        default: apiKeyLifetimeDays.default,
        description: `Days until the key expires: ${apiKeyLifetimeDays.default} when absent, at most ${apiKeyLifetimeDays.maximum}.`,
      }),
    ),
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
