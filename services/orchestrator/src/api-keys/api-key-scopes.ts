import { Type } from 'typebox';

/**
 * Everything an API key can be allowed to do. A route opts in by naming one of these in its
 * `config.apiKeyScope`; a route that names none refuses every key (tenant administration,
 * sessions, MFA and `/me` stay for signed-in users).
 */
export const apiKeyScopes = ['projects:read', 'projects:write'] as const;

export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeyScopeSchema = Type.Union(apiKeyScopes.map((scope) => Type.Literal(scope)));
