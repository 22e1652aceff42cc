import { durationSeconds } from '@authscale/core';

/** Removing a lost authenticator app through the account's verified address (docs/email.md). */
export const totpEmailRecoveryConfigFields = {
  /**
   * How long a request waits before its link removes TOTP: the time the owner has to see the
   * notice and cancel. Tests shorten it; a deployment should not.
   */
  TOTP_EMAIL_RECOVERY_DELAY_SECONDS: durationSeconds({ default: 24 * 3600, minimum: 1, maximum: 30 * 24 * 3600 }),
};

/** How long the link keeps working once the waiting is over. */
export const totpEmailRecoveryWindowSeconds = 3 * 24 * 3600;
