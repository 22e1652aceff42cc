import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AuthError, type AuthErrorCode, defaultMessageFor, statusForCode } from './errors.ts';

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
 * message per code, never a stack trace. Anything unrecognised is a 500 and is logged whole.
 * A 401 carries a `WWW-Authenticate` challenge, a throttled refusal its `Retry-After`.
 */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
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
      request.log.info({ code, status, cause: (error as Error).cause }, 'request refused');
      // Validation detail names only the offending field, never echoes its value.
      const message =
        (error as FastifyError).validation && (error as FastifyError).validationContext
          ? `${defaultMessageFor(code)} ${describeValidation(error as FastifyError)}`
          : defaultMessageFor(code);
      return reply.status(status).send(body(code, message));
    });
    app.setNotFoundHandler((_request, reply) => reply.status(404).send(body('not_found')));
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
