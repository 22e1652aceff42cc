/**
 * API keys are `ask_` + 32 CSPRNG bytes in base64url (43 characters): the prefix lets secret
 * scanners and people recognise a leaked key, and tells request auth to verify it as a key
 * rather than parse it as a JWT.
 */
export const apiKeyPrefix = 'ask_';

const apiKeyPattern = /^ask_[A-Za-z0-9_-]{43}$/;

/** Shape only: a well-formed key may still be unknown or revoked. */
export function isWellFormedApiKey(value: string): boolean {
  return apiKeyPattern.test(value);
}
