import { AuthError, type AuthErrorCode } from '../errors.ts';
import { classifyNetworkFailure, type NetworkFailure } from './classify-network-failure.ts';

/** Whether or not the request left, a dependency that cannot be reached or cannot serve is unavailable. */
const codeByFailure = {
  'not-sent': 'dependency_unavailable',
  unavailable: 'dependency_unavailable',
  timeout: 'dependency_timeout',
  'malformed-reply': 'dependency_failed',
} as const satisfies Record<NetworkFailure, AuthErrorCode>;

/**
 * The AuthError for a failed call to a dependency, the same in every service: an `AuthError`
 * passes through; a network failure (`classifyNetworkFailure`) becomes 503 `dependency_unavailable`
 * (not sent, or unavailable), 504 `dependency_timeout` or 502 `dependency_failed` (a malformed
 * answer); anything else is 500 `internal`, which the error handler logs whole: a failure no rule
 * names is a bug until it has a rule. Each service's translator applies its own library's rules
 * (constraint violations, OIDC response errors) and leaves the rest to this. The original error
 * stays in `cause`.
 */
export function dependencyError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const failure = classifyNetworkFailure(error);
  return new AuthError(failure ? codeByFailure[failure] : 'internal', undefined, { cause: error });
}
