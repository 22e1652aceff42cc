import { AuthError } from '@authscale/core';

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/**
 * Maps a pg error onto our codes, once, at the identity boundary. The original error travels
 * as `cause` so logs keep the detail while answers stay generic.
 */
export function translatePgError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : '';
  if (unavailableCodes.has(code) || code.startsWith('08') || code === '57P01' || code === '53300') {
    return new AuthError('dependency_unavailable', undefined, { cause: error });
  }
  if (code === '57014' || message.includes('timeout')) {
    return new AuthError('dependency_timeout', undefined, { cause: error });
  }
  if (code === '23505') return new AuthError('conflict', undefined, { cause: error });
  if (code === '42501') return new AuthError('forbidden', undefined, { cause: error });
  if (code.startsWith('22') || code === '23514' || code === '23503') {
    return new AuthError('invalid_request', undefined, { cause: error });
  }
  return new AuthError('internal', undefined, { cause: error });
}
