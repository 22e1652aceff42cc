import { argon2Parameters } from './password-hashing.ts';

const currentPrefix = `$argon2id$v=19$m=${argon2Parameters.memoryCost},t=${argon2Parameters.timeCost},p=${argon2Parameters.parallelism}$`;

/** True when a stored hash was made with other parameters (or another algorithm) than today's. */
export function needsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith(currentPrefix);
}
