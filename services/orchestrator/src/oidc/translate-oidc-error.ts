import { AuthError, classifyNetworkFailure, dependencyError } from '@authscale/core';
import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';

/**
 * The one place that maps openid-client failures to our codes. Anything the provider or the
 * response got wrong is the caller's bad credential (401). A provider we cannot reach, or that
 * does not answer in time, is a dependency failure, classified by core as for every other
 * dependency; this comes before the credential rule because openid-client wraps a timeout in a
 * `ClientError` too. The library's message stays in `cause`, never in the response.
 */
export function translateOidcError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof ResponseBodyError || error instanceof AuthorizationResponseError) {
    return new AuthError('invalid_credentials', 'The sign-in with the identity provider failed.', { cause: error });
  }
  if (classifyNetworkFailure(error)) return dependencyError(error);
  if (error instanceof ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new AuthError('dependency_unavailable', 'The identity provider is unavailable.', { cause: error });
  }
  if (error instanceof ClientError) {
    return new AuthError('invalid_credentials', 'The sign-in with the identity provider failed.', { cause: error });
  }
  return dependencyError(error);
}
