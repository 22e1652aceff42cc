import { AuthError } from '../errors.ts';

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const notSentCodes = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True when the request certainly never reached the replica, so even a create may be retried. */
export function neverSent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && notSentCodes.has(code);
}

/** Maps a failed call to a replica into our codes; the original stays in `cause`. */
export function replicaCallError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError' || (typeof code === 'string' && timeoutCodes.has(code)))
    return new AuthError('dependency_timeout', undefined, { cause: error });
  return new AuthError('dependency_unavailable', undefined, { cause: error });
}
