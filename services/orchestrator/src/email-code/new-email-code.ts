import { randomInt } from 'node:crypto';

/** Digits in a mailed sign-in code. */
export const emailCodeDigits = 6;

/**
 * A code a person types from a message: 6 digits from the CSPRNG. Short on purpose; what keeps it
 * safe is that it lives minutes, survives a few wrong guesses only, and every guess goes through
 * the sign-in throttle.
 */
export function newEmailCode(): string {
  return String(randomInt(0, 10 ** emailCodeDigits)).padStart(emailCodeDigits, '0');
}
