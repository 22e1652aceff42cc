import { type AuthErrorCode, authErrorCodes } from '@authscale/core';
import type { RouteOptions } from 'fastify';
import { recentAuthenticationCheck } from '../mfa/require-recent-authentication.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Refusals the route gives beyond those `refusalsOf` derives from its configuration, for the
     * published document: `not_found` where it looks something up, `conflict` where state can
     * clash, `invalid_credentials` where a public route checks one.
     */
    refusals?: readonly AuthErrorCode[];
  }
}

/**
 * What every route can answer, whatever it does: a malformed request, path or body (400), an
 * oversized body or headers (413), the edge's per-IP rate limit (429), and the dependencies the
 * edge and the route go through being down (502, 503, 504) or a bug (500).
 */
const everyRoute: readonly AuthErrorCode[] = [
  'invalid_request',
  'payload_too_large',
  'rate_limited',
  'internal',
  'dependency_failed',
  'dependency_unavailable',
  'dependency_timeout',
];

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

type DocumentedRoute = Pick<RouteOptions, 'method' | 'config' | 'preHandler'>;

/**
 * The refusals one route can give, in catalogue order, derived in this one place from what the
 * route is rather than listed by hand on each:
 * - not `config.public`: 401 `unauthenticated` from request auth, and 403 `forbidden` for an API
 *   key on a route that takes none or without the route's scope;
 * - a state-changing method: 403 `forbidden` from the edge's CSRF check (a foreign `Origin`, or
 *   the session cookie without an allowed one), public routes included;
 * - `config.tenant`: 403 `forbidden` for a caller who is not a member;
 * - a `requireRecentAuthentication` preHandler: 403 `step_up_required`;
 * - `config.refusals`: whatever else the route's own work can refuse.
 */
export function refusalsOf(route: DocumentedRoute): AuthErrorCode[] {
  const { config = {} } = route;
  const codes = new Set<AuthErrorCode>(everyRoute);
  if (!config.public) codes.add('unauthenticated').add('forbidden');
  const methods = [route.method].flat();
  if (methods.some((method) => !safeMethods.has(method.toUpperCase()))) codes.add('forbidden');
  if (config.tenant) codes.add('forbidden');
  const preHandlers = [route.preHandler ?? []].flat() as unknown as Record<symbol, unknown>[];
  if (preHandlers.some((handler) => handler[recentAuthenticationCheck] === true)) codes.add('step_up_required');
  for (const code of config.refusals ?? []) codes.add(code);
  return authErrorCodes.filter((code) => codes.has(code));
}
