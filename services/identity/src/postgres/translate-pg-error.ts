import { AuthError, dependencyError } from '@authscale/core';

/**
 * Maps a pg error onto our codes, once, at the identity boundary. Here: the SQLSTATEs that say the
 * request was wrong (a duplicate, a refused privilege, bad input). Everything else goes to core's
 * `dependencyError`, as in every service: a database that cannot be reached or is restarting is
 * `dependency_unavailable`, a statement timeout `dependency_timeout`, anything unknown `internal`.
 * The original error travels as `cause` so logs keep the detail while answers stay generic.
 */
export function translatePgError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '23505') return new AuthError('conflict', undefined, { cause: error });
  if (code === '42501') return new AuthError('forbidden', undefined, { cause: error });
  if (typeof code === 'string' && (code.startsWith('22') || code === '23514' || code === '23503')) {
    return new AuthError('invalid_request', undefined, { cause: error });
  }
  return dependencyError(error);
}

/** `work`, with a pg error it throws translated as `translatePgError` says. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translatePgError(error);
  }
}
