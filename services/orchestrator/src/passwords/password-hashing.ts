import { hash, type Options } from '@node-rs/argon2';

/**
 * OWASP's Argon2id parameters: 19 MiB of memory, 2 passes, 1 lane. The binding declares its
 * algorithms as a const enum, which erasable TypeScript cannot read: 2 is `Algorithm.Argon2id`.
 */
export const argon2Parameters: Readonly<Options> = Object.freeze({
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** Never truncated: Argon2 hashes the whole input, whatever its length. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Parameters);
}
