import { countSignInAttempt, isAuthError, type SignInMethod, statusForCode } from '@authscale/core';

/**
 * Counts a sign-in ceremony's refusal (a wrong code, an assertion that does not verify) as a failed
 * attempt, and returns the error for the caller to throw. A dependency's failure is not the
 * caller's and is not counted.
 */
export function countedSignInFailure(method: SignInMethod, error: unknown): unknown {
  if (isAuthError(error) && statusForCode(error.code) < 500) countSignInAttempt(method, 'failure');
  return error;
}
