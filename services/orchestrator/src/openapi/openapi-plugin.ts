import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import {
  authErrorCodes,
  insecureLocalHttpSessionCookieName,
  sessionCookieName as secureSessionCookieName,
} from '@authscale/core';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { errorResponses } from './error-responses.ts';
import { refusalsOf } from './refusals-of.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface OpenapiPluginOptions {
  /** The session cookie's name where this service runs; the document names it for callers. */
  sessionCookieName: string;
}

/** The one shape of every refusal (core's `errorHandler`): `code` from the catalogue, a generic `message`. */
export const errorBodySchema = {
  type: 'object' as const,
  description:
    "The shape of every refusal: `code` is stable, `message` is generic and never echoes the request (`signup_denied` may carry the operator's before-sign-up hook reason instead).",
  required: ['error'],
  properties: {
    error: {
      type: 'object' as const,
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' as const, enum: [...authErrorCodes] },
        message: { type: 'string' as const },
      },
    },
  },
};

/** The contract area a path belongs to: `/auth/...` is "auth", `/api/tenants/...` is "tenants". */
function tagOf(url: string): string {
  const [first = '', second = ''] = url.split('/').filter(Boolean);
  if (first === 'api') return second;
  if (first === '.well-known') return 'keys';
  if (first === 'healthz' || first === 'readyz') return 'health';
  return first === 'me' ? 'account' : first;
}

/**
 * A route's own answers, each with a description: its status text unless the schema gives one
 * (as the generator's response-only annotation, so the body schema does not repeat it).
 */
export function describedSuccesses(response: Record<string, unknown> = {}) {
  return Object.fromEntries(
    Object.entries(response).map(([status, schema]) => {
      const given = (schema as { description?: string }).description;
      return [
        status,
        given ? schema : { ...(schema as object), 'x-response-description': `${STATUS_CODES[Number(status)]}.` },
      ];
    }),
  );
}

/**
 * OpenAPI puts `required` on a header, beside its schema; the route schemas write it inside the
 * header's schema, which the generator copies there as it is.
 */
export function hoistRequiredHeaders<Document extends { paths?: object }>(document: Document): Document {
  for (const operations of Object.values(document.paths ?? {}) as Record<string, unknown>[]) {
    for (const operation of Object.values(operations)) {
      const responses = (operation as { responses?: Record<string, { headers?: Record<string, unknown> }> }).responses;
      for (const { headers = {} } of Object.values(responses ?? {})) {
        for (const header of Object.values(headers) as { required?: boolean; schema?: { required?: unknown } }[]) {
          if (header.schema?.required !== true) continue;
          delete header.schema.required;
          header.required = true;
        }
      }
    }
  }
  return document;
}

/**
 * The public contract as an OpenAPI 3.1 document, generated from the route schemas; `openapiRoutes`
 * serves it at `GET /openapi.json` (the edge forwards it). Register before the routes: the document
 * lists the routes registered after it. Paths are the edge's, where callers authenticate with the
 * session cookie or a bearer token; the internal principal assertion is not part of the contract.
 * Each route lists its own success answers; its refusals are derived from what it is (`refusalsOf`),
 * so a route cannot forget the 401, 403 or 429 the edge gives in front of it.
 */
export const openapiPlugin = fp<OpenapiPluginOptions>(
  async (app: FastifyInstance, { sessionCookieName }) => {
    if (typeof sessionCookieName !== 'string' || sessionCookieName.length === 0) {
      throw new TypeError('authscale-openapi: option "sessionCookieName" must be a non-empty string');
    }
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'authscale',
          version,
          description: 'Sign-in, sessions, tokens and the tenant-scoped API, served by the edge on one origin.',
        },
        components: {
          schemas: { ErrorBody: errorBodySchema },
          securitySchemes: {
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: sessionCookieName,
              description:
                `Set by sign-in. A deployment names it \`${secureSessionCookieName}\` (Secure, HttpOnly, SameSite=Lax, ` +
                `Path=/); a local plain-HTTP one (\`INSECURE_LOCAL_HTTP_COOKIES\`: \`npm start\`, \`npm run stack\`), ` +
                `where browsers refuse \`__Host-\` cookies, names it \`${insecureLocalHttpSessionCookieName}\`. Each ` +
                'serves this document at `/openapi.json` with the name it sets. A state-changing request that carries it ' +
                'needs an allowed `Origin` header.',
            },
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A 15-minute access JWT from sign-in or refresh, or a tenant API key (`ask_...`) on the routes that accept one.',
            },
          },
        },
        // Either one; the bearer token first, as an API client (and a tool given one) reads it.
        security: [{ bearer: [] }, { sessionCookie: [] }],
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
          // A status the route answers with its own body (`/readyz`'s 503) keeps that body.
          response: { ...errorResponses(refusalsOf(route)), ...describedSuccesses(routeSchema.response) },
          ...(route.config?.public ? { security: [] } : {}),
          // Service-to-service routes are guarded by the internal token and never proxied by the edge.
          ...(url.startsWith('/internal/') ? { hide: true } : {}),
        };
        return { schema: documented, url };
      },
      transformObject: (generated) =>
        'openapiObject' in generated ? hoistRequiredHeaders(generated.openapiObject) : generated.swaggerObject,
    });
  },
  { name: 'authscale-openapi', fastify: '5.x' },
);
