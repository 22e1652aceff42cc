import { readFileSync } from 'node:fs';

/** Lengths count Unicode code points, so a password of emoji is not cut short or over-counted. */
export const passwordPolicy = Object.freeze({ minLength: 8, maxLength: 128 });

// Generated once from the frequency-ordered list of zxcvbn (MIT): its 5,000 most common
// passwords of 8 or more characters, lower-cased. Shipped with the code; never fetched at run time.
const commonPasswords = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean),
);

/** Whether a new password meets the policy: length in code points and not a common password. */
export function meetsPasswordPolicy(password: string): boolean {
  const length = [...password].length;
  if (length < passwordPolicy.minLength || length > passwordPolicy.maxLength) return false;
  return !commonPasswords.has(password.toLowerCase());
}
