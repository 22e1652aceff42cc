import { createRequire } from 'node:module';
import { type AuthErrorCode, authErrorCodes } from '@authscale/core';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { errorResponses } from '../openapi/error-responses.ts';
import { describedSuccesses, errorBodySchema, hoistRequiredHeaders } from '../openapi/openapi-plugin.ts';
import { operatorScopes } from './operator-scopes.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What every admin route can answer: no edge stands in front of it, so no per-IP 429. */
const everyRoute: readonly AuthErrorCode[] = [
  'invalid_request',
  'payload_too_large',
  'internal',
  'dependency_failed',
  'dependency_unavailable',
  'dependency_timeout',
];

const notes: Partial<Record<number, string>> = {
  401: 'No operator key, or one that is unknown, revoked or expired.',
  403: "The key lacks the route's scope.",
};

function adminRefusalsOf(route: Pick<RouteOptions, 'config'>): AuthErrorCode[] {
  const { config = {} } = route;
  const codes = new Set<AuthErrorCode>(everyRoute);
  if (!config.public) codes.add('unauthenticated').add('forbidden');
  for (const code of config.refusals ?? []) codes.add(code);
  return authErrorCodes.filter((code) => codes.has(code));
}

/**
 * The admin API's own OpenAPI 3.1 document (`docs/admin-openapi.json`, served at
 * `GET /admin/openapi.json`), separate from the public contract: another listener, other callers.
 * Each operation names the operator scope it needs.
 */
export const adminOpenapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'authscale admin API',
          version,
          description:
            'Operators only, on its own listener, never the public origin (docs/admin-api.md). Every request is audited with the key that made it.',
        },
        components: {
          schemas: { ErrorBody: errorBodySchema },
          securitySchemes: {
            operatorKey: {
              type: 'http',
              scheme: 'bearer',
              description: `An operator key (\`aso_...\`), made with the \`create-operator-key\` command. Scopes: ${operatorScopes.map((scope) => `\`${scope}\``).join(', ')}.`,
            },
          },
        },
        security: [{ operatorKey: [] }],
      },
      transform: ({ schema, url, route }) => {
        const routeSchema = (schema ?? {}) as FastifySchema & { response?: Record<string, unknown> };
        const scope = route.config?.operatorScope;
        return {
          url,
          schema: {
            ...routeSchema,
            tags: [url.split('/')[2] ?? 'health'],
            ...(scope ? { description: `Needs the \`${scope}\` scope.` } : {}),
            response: { ...errorResponses(adminRefusalsOf(route), notes), ...describedSuccesses(routeSchema.response) },
            ...(route.config?.public ? { security: [] } : {}),
          },
        };
      },
      transformObject: (generated) =>
        'openapiObject' in generated ? hoistRequiredHeaders(generated.openapiObject) : generated.swaggerObject,
    });
  },
  { name: 'authscale-admin-openapi', fastify: '5.x' },
);
