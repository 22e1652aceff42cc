import { durationSeconds } from '@authscale/core';
import { Type } from 'typebox';

/** Sign-in by a one-time code or link mailed to the account's verified address (docs/email.md). */
export const emailCodeConfigFields = {
  /**
   * Off by default: it makes the mailbox alone a way in (a second factor still applies), which a
   * deployment decides on. Off, its routes answer 404 `not_found`.
   */
  EMAIL_CODE_SIGN_IN: Type.Boolean({ default: false }),
  EMAIL_CODE_LIFETIME_SECONDS: durationSeconds({ default: 600, minimum: 60, maximum: 3600 }),
  /** Wrong codes one mailed code survives; the next request mails a new one. */
  EMAIL_CODE_MAX_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 10 }),
};
