import { randomBytes } from 'node:crypto';
import { hashRecoveryCode } from './hash-recovery-code.ts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface RecoveryCodes {
  /** Shown to the user once, formatted in groups. */
  codes: string[];
  /** What is stored. */
  hashes: string[];
}

/** `count` codes of 130 random bits each (26 base32 characters), with their hashes. */
export function generateRecoveryCodes({ count = 10 }: { count?: number } = {}): RecoveryCodes {
  const codes = Array.from({ length: count }, () => {
    const bytes = randomBytes(26);
    const characters = Array.from(bytes, (byte) => alphabet[byte & 31]).join('');
    return [0, 5, 10, 15, 20].map((start) => characters.slice(start, start === 20 ? 26 : start + 5)).join('-');
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}
