import { AuthError, emailMixesScripts } from '@authscale/core';

/**
 * Refuses an address that mixes Latin, Cyrillic and Greek letters in one part (`pаypal@...` with a
 * Cyrillic `а`): an account under it exists only to be mistaken for another, as when an owner is
 * phished into inviting it. Checked where someone chooses an address: sign-up and email change.
 */
export function refuseLookAlikeEmail(email: string): void {
  if (emailMixesScripts(email)) {
    throw new AuthError('invalid_request', 'The email address mixes letters of different alphabets.');
  }
}
