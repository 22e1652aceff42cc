/**
 * Type tests, checked by `npm run typecheck` (never run): what the tenant-context plugin declares
 * on every request and route.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestTenant, TenantScope } from '../../src/index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T) => {};

declare const request: FastifyRequest;
declare const app: FastifyInstance;

assertType<Equal<FastifyRequest['tenant'], RequestTenant | null>>();
// An API key acts in a tenant without being a member: no role, its scopes decide.
assertType<Equal<RequestTenant['role'], 'owner' | 'admin' | 'member' | null>>();

// Tenant data is reached only inside withTenant, through the scope it hands out.
void request.withTenant(async (scope) => {
  assertType<Equal<typeof scope, TenantScope>>();
  return scope.projects.list();
});

app.get('/tenant-data', { config: { tenant: true } }, async () => ({}));
// @ts-expect-error the flag is a boolean
app.get('/typo', { config: { tenant: 'yes' } }, async () => ({}));
