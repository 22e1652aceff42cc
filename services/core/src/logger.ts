import { type LoggerOptions, stdSerializers } from 'pino';
import { traceLogFields } from './telemetry/trace-log-fields.ts';

/**
 * Paths that may hold secrets anywhere a request, reply or error is logged. Redaction is a
 * backstop: auth code logs request ids and error codes, never claims, tokens or passwords.
 */
export const redactedLogPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.mfaToken',
  // A one-time code in a request body (TOTP, email sign-in, an OpenID Connect callback's), not
  // every `code`: a failed dependency's error code (ECONNREFUSED, a SQLSTATE) is what its log
  // line is for.
  'body.code',
  'req.body.code',
  'req.query.code',
  '*.secret',
] as const;

export interface LoggerSettings {
  service: string;
  level: string;
}

export function loggerOptions({ service, level }: LoggerSettings): LoggerOptions {
  return {
    level,
    base: { service },
    mixin: traceLogFields,
    // The error handler logs a failed dependency's error as `cause`; pino serialises only `err`
    // as an error, and an Error's own fields are not enumerable, so it was written as `{}`.
    serializers: { cause: stdSerializers.err },
    redact: { paths: [...redactedLogPaths], censor: '[redacted]' },
  };
}
