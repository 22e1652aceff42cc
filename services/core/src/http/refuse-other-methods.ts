import type { FastifyInstance, FastifyReply, HTTPMethods } from 'fastify';
import { AuthError } from '../errors.ts';

/**
 * Routes every method `url` does not answer to 405 with its `Allow` header (RFC 9110 section
 * 15.5.6). As a route of its own it carries the path's `public` flag, so request auth lets an
 * anonymous `TRACE /healthz` through to its 405 as it lets `GET /healthz` through to its 200,
 * instead of asking for credentials a public path never needs. Refused in onRequest: before a body
 * is read, and before Fastify refuses a QUERY without a content type with 400.
 */
export function refuseOtherMethods(
  app: FastifyInstance,
  url: string,
  answered: Iterable<string>,
  { public: isPublic }: { public: boolean },
): void {
  const methods = new Set([...answered].map((method) => method.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  const allow = [...methods].sort().join(', ');
  const refuse = async (_request: unknown, reply: FastifyReply) => {
    reply.header('allow', allow);
    throw new AuthError('method_not_allowed');
  };
  app.route({
    method: app.supportedMethods.filter((method) => !methods.has(method)) as HTTPMethods[],
    url,
    config: { public: isPublic },
    // Not an operation: the published document lists what a path answers, and 405 is the rest.
    schema: { hide: true },
    onRequest: refuse,
    handler: refuse,
  });
}
