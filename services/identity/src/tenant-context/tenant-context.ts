import { AuthError } from '@authscale/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Identity, TenantScope } from '../create-identity.ts';
import type { MembershipRole, User } from '../types.ts';
import { isUuid } from '../uuid/is-uuid.ts';

export interface RequestTenant {
  id: string;
  /** The caller's role; `null` for an API key, which is no member (its scopes decide). */
  role: MembershipRole | null;
}

/** Who is calling, as request authentication established it; tenant logic stays out of that plugin. */
export type TenantCaller =
  | {
      kind?: 'user';
      userId: string;
      /** The tenant the session was created in, used when the request names none. */
      tenantId?: string;
    }
  | {
      /** An API key acts in the one tenant it was created for, and in no other. */
      kind: 'api_key';
      tenantId: string;
    };

export interface TenantContextOptions {
  identity: Pick<Identity, 'memberships' | 'withTenant'>;
  currentCaller: (request: FastifyRequest) => TenantCaller | null;
  /** @default 'x-tenant-id' */
  headerName?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route works on one tenant's data: resolve the tenant and check membership first. */
    tenant?: boolean;
  }
  interface FastifyRequest {
    /** The resolved tenant and the caller's role in it; null on routes without `config.tenant`. */
    tenant: RequestTenant | null;
    /**
     * The calling user as the membership check read them (a member of `request.tenant`, not
     * disabled); null for an API key and on routes without `config.tenant`.
     */
    tenantUser: User | null;
    /** Runs `work` in one transaction bound to `request.tenant` (row-level security applies). */
    withTenant<T>(work: (scope: TenantScope) => Promise<T>): Promise<T>;
  }
}

/**
 * Tenant context: on routes with `config.tenant`, derives the tenant from the route's `:tenantId`
 * parameter, else the `X-Tenant-Id` header, else the session's tenant, checks that the caller is
 * a member (on every request, so a removal takes effect at once) or, for an API key, that it is
 * the key's own tenant, and exposes
 * `request.tenant` plus `request.withTenant()`, which runs queries with `app.tenant_id` set
 * transaction-locally.
 */
export const tenantContext = fp<TenantContextOptions>(
  async (app: FastifyInstance, options) => {
    const { identity, currentCaller, headerName = 'x-tenant-id' } = options;
    if (
      !identity ||
      typeof identity.withTenant !== 'function' ||
      typeof identity.memberships?.findWithUser !== 'function'
    ) {
      throw new TypeError('authscale-tenant-context: options.identity must be the identity module');
    }
    if (typeof currentCaller !== 'function') {
      throw new TypeError('authscale-tenant-context: options.currentCaller must be a function');
    }
    const header = headerName.toLowerCase();

    app.decorateRequest('tenant', null);
    app.decorateRequest('tenantUser', null);
    app.decorateRequest('withTenant', function withTenant<
      T,
    >(this: FastifyRequest, work: (scope: TenantScope) => Promise<T>) {
      const tenant = this.tenant;
      // A handler reaching for tenant data on a route without `config.tenant` is a programmer error.
      if (!tenant) return Promise.reject(new TypeError('withTenant() needs a route with config.tenant'));
      return identity.withTenant(tenant.id, work);
    });

    app.addHook('preHandler', async (request) => {
      if (!request.routeOptions.config.tenant) return;
      const caller = currentCaller(request);
      if (!caller) throw new AuthError('unauthenticated');
      const inPath = (request.params as { tenantId?: string } | undefined)?.tenantId;
      const named = request.headers[header];
      // A header naming another tenant than the path is a confused client: refuse rather than pick one.
      if (inPath !== undefined && named !== undefined && named !== inPath) {
        throw new AuthError('invalid_request', 'The X-Tenant-Id header and the path name different tenants.');
      }
      const tenantId = inPath ?? named ?? caller.tenantId;
      if (tenantId === undefined) throw new AuthError('invalid_request', 'No tenant was given.');
      if (!isUuid(tenantId)) throw new AuthError('invalid_request', 'The tenant id is invalid.');
      if (caller.kind === 'api_key') {
        // The key was verified live by request auth; naming any other tenant gets the same 403
        // as a non-member, so a key cannot probe which tenants exist.
        if (tenantId !== caller.tenantId) throw new AuthError('forbidden');
        request.tenant = { id: tenantId, role: null };
        return;
      }
      const membership = await identity.memberships.findWithUser({ userId: caller.userId, tenantId });
      // Same answer for "no such tenant" and "not a member": tenant ids are not discoverable.
      if (!membership) throw new AuthError('forbidden');
      request.tenant = { id: tenantId, role: membership.role };
      request.tenantUser = membership.user;
    });
  },
  { name: 'authscale-tenant-context', fastify: '5.x' },
);
