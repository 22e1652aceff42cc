import { AuthError } from '@authscale/core';

const refusedCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CLOSED',
]);
const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'ETIMEDOUT',
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error as { code?: unknown; cause?: unknown } | undefined; current; ) {
    if (typeof current.code === 'string') codes.push(current.code);
    current = current.cause as typeof current;
  }
  return codes;
}

/**
 * The one translation of a failed upstream call: nobody listening is 503, no answer in time is 504,
 * and anything else (a reset, a malformed answer) is 502. The detail stays in `cause`, for the logs.
 */
export function upstreamError(error: unknown): AuthError {
  const codes = codesOf(error);
  if (codes.some((code) => timeoutCodes.has(code)))
    return new AuthError('dependency_timeout', undefined, { cause: error });
  if (codes.some((code) => refusedCodes.has(code))) {
    return new AuthError('dependency_unavailable', undefined, { cause: error });
  }
  return new AuthError('dependency_failed', undefined, { cause: error });
}
