import { AuthError } from '@authscale/core';
import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';

/**
 * The one place that maps openid-client failures to our codes. Anything the provider or the
 * response got wrong is the caller's bad credential (401); a provider we cannot reach is a
 * dependency failure. The library's message stays in `cause`, never in the response.
 */
export function translateOidcError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (
    error instanceof ResponseBodyError ||
    error instanceof AuthorizationResponseError ||
    (error instanceof ClientError && error.code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM')
  ) {
    return new AuthError('invalid_credentials', 'The sign-in with the identity provider failed.', { cause: error });
  }
  return new AuthError('dependency_unavailable', 'The identity provider is unavailable.', { cause: error });
}
