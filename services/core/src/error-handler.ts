import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthError, type AuthErrorCode, defaultMessageFor, statusForCode } from './errors.ts';
import { routeMethods } from './http/route-methods.ts';
import { watchRefusalFloods } from './refusal-floods.ts';
import { countRefusal } from './telemetry/authscale-metrics.ts';

export interface ErrorBody {
  error: { code: AuthErrorCode; message: string };
}

/**
 * The challenge every 401 carries (RFC 9110 section 15.5.2 requires one): a bearer token is what a
 * non-browser client can present. Request auth adds `error="invalid_token"` when one was refused.
 */
export const bearerChallenge = 'Bearer realm="authscale"';

/** Fastify's own client errors (bad JSON, wrong content type, body too large) mapped to our codes. */
function codeForFastifyError(error: FastifyError): AuthErrorCode | undefined {
  if (error.validation) return 'invalid_request';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'payload_too_large';
  if (error.statusCode === 429) return 'rate_limited';
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return 'invalid_request';
  return undefined;
}

/**
 * The one place that turns errors into HTTP answers: `{error: {code, message}}`, a generic
 * message per code (unless the error was written to be shown: `shownToCaller`), never a stack
 * trace. Anything unrecognised is a 500 and is logged whole, a dependency's failure (5xx) at warn;
 * a refusal (4xx) is counted, and logged only at debug, except for one warn line when one code's
 * refusals flood (100 within 10 s). A 401 carries a `WWW-Authenticate` challenge, a throttled refusal its `Retry-After`.
 */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    const refusals = watchRefusalFloods();
    app.setErrorHandler((error: FastifyError | AuthError, request, reply) => {
      const code = error instanceof AuthError ? error.code : codeForFastifyError(error);
      if (!code || code === 'internal') {
        request.log.error({ err: error }, 'unhandled error');
        return reply.status(500).send(body('internal'));
      }
      const status = statusForCode(code);
      if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', bearerChallenge);
      if (error instanceof AuthError && error.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
      }
      if (status >= 500) {
        // A dependency that failed or timed out: someone should look, unlike at a refusal.
        request.log.warn({ code, status, cause: (error as Error).cause }, 'dependency failed');
      } else {
        // A refusal is the service working: a credential-stuffing flood would otherwise write a
        // line per guess. Counted instead (`authscale.http.refusals`); the detail at debug.
        countRefusal(code, status);
        request.log.debug({ code, status, cause: (error as Error).cause }, 'request refused');
        // One line per flood, with the request that made it one as a sample: who, and where.
        if (refusals.refused(code)) {
          const sample = { ip: request.ip, route: request.routeOptions.url };
          request.log.warn({ code, status, ...refusals.flood, ...sample }, 'refusals flooding');
        }
      }
      // Validation detail names only the offending field, never echoes its value.
      const message =
        error instanceof AuthError && error.shownToCaller
          ? error.message
          : (error as FastifyError).validation && (error as FastifyError).validationContext
            ? `${defaultMessageFor(code)} ${describeValidation(error as FastifyError)}`
            : defaultMessageFor(code);
      return reply.status(status).send(body(code, message));
    });
    // A path some route answers, asked with another method, is 405 with the methods it answers
    // (RFC 9110 section 15.5.6); a path no route answers is 404.
    const methods = routeMethods();
    const notFound = (request: FastifyRequest, reply: FastifyReply) => {
      const allowed = methods.allowedAt(request.url.split('?', 1)[0] as string);
      // A route of this method that found nothing to serve (`callNotFound`) is a 404 all the same.
      if (allowed.length === 0 || allowed.includes(request.method)) return reply.status(404).send(body('not_found'));
      return reply.status(405).header('allow', allowed.join(', ')).send(body('method_not_allowed'));
    };
    // No route serves QUERY (RFC 10008), and Fastify refuses one without a content type with 400
    // before the not-found handler runs; this catch-all answers in onRequest instead, as that
    // handler would, after the app's own onRequest hooks (request auth first). Registered before
    // the onRoute hook, so it adds QUERY to no path's methods. A service cannot also route QUERY
    // on `/*`: Fastify refuses the second route at start.
    app.route({
      method: 'QUERY',
      url: '/*',
      onRequest: async (request, reply) => notFound(request, reply),
      handler: notFound,
    });
    app.addHook('onRoute', ({ url, method }) => methods.add(url, method));
    app.setNotFoundHandler(notFound);
  },
  { name: 'authscale-error-handler', fastify: '5.x' },
);

function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return '';
  const field =
    first.instancePath?.replace(/^\//, '').replaceAll('/', '.') ||
    (first.params as { missingProperty?: string })?.missingProperty;
  return field ? `Check the field "${field}".` : '';
}

export function body(code: AuthErrorCode, message: string = defaultMessageFor(code)): ErrorBody {
  return { error: { code, message } };
}
