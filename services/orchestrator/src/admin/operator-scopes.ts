import { Type } from 'typebox';

/**
 * What an operator key can be allowed to do on the admin API. A route names the one it needs in
 * `config.operatorScope`; a route that names none does not start (the plugin refuses it).
 */
export const operatorScopes = [
  'users:read',
  'users:write',
  'users:erase',
  'tenants:read',
  'audit:read',
  'webhooks:write',
] as const;

export type OperatorScope = (typeof operatorScopes)[number];

export const operatorScopeSchema = Type.Union(operatorScopes.map((scope) => Type.Literal(scope)));
