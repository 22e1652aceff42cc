import { createRequire } from 'node:module';
import { sessionCookieName } from '@authscale/core';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const errorSchema = {
  type: 'object' as const,
  required: ['error'],
  properties: {
    error: {
      type: 'object' as const,
      required: ['code', 'message'],
      properties: { code: { type: 'string' as const }, message: { type: 'string' as const } },
    },
  },
};

const errorResponse = {
  description: 'The error shape of every refusal: `code` is stable, `message` is generic.',
  $ref: '#/components/schemas/Error',
};

/** The contract area a path belongs to: `/auth/...` is "auth", `/api/tenants/...` is "tenants". */
function tagOf(url: string): string {
  const [first = '', second = ''] = url.split('/').filter(Boolean);
  if (first === 'api') return second;
  if (first === '.well-known') return 'keys';
  return first === 'me' ? 'account' : first;
}

/**
 * The public contract as an OpenAPI 3.1 document, generated from the route schemas; `openapiRoutes`
 * serves it at `GET /openapi.json` (the edge forwards it). Register before the routes: the document
 * lists the routes registered after it. Paths are the edge's, where callers authenticate with the
 * session cookie or a bearer token; the internal principal assertion is not part of the contract.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'authscale',
          version,
          description: 'Sign-in, sessions, tokens and the tenant-scoped API, served by the edge on one origin.',
        },
        components: {
          schemas: { Error: errorSchema },
          securitySchemes: {
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: sessionCookieName,
              description: 'Set by sign-in. State-changing requests also need an allowed `Origin` header.',
            },
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A 15-minute access JWT from sign-in or refresh, or a tenant API key (`ask_...`) on the routes that accept one.',
            },
          },
        },
        security: [{ sessionCookie: [] }, { bearer: [] }],
      },
      transform: ({ schema, url, route }) => {
        const { querystring, ...routeSchema } = (schema ?? {}) as FastifySchema & {
          response?: Record<string, unknown>;
        };
        const documented = {
          ...routeSchema,
          // OpenAPI lists query parameters by name; an open map (the OIDC callback's) has none to list.
          ...(querystring && typeof querystring === 'object' && 'properties' in querystring ? { querystring } : {}),
          tags: [tagOf(url)],
          response: { ...routeSchema.response, '4XX': errorResponse, '5XX': errorResponse },
          ...(route.config?.public ? { security: [] } : {}),
          // Service-to-service routes are guarded by the internal token and never proxied by the edge.
          ...(url.startsWith('/internal/') ? { hide: true } : {}),
        };
        return { schema: documented, url };
      },
    });
  },
  { name: 'authscale-openapi', fastify: '5.x' },
);
