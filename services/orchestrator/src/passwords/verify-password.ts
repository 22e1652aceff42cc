import { verify } from '@node-rs/argon2';
import { hashPassword } from './password-hashing.ts';

// A hash of a random value with the same parameters: checking against it costs what a real
// check costs, so "no such user" and "wrong password" cannot be told apart by timing.
let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `passwordHash`. With no hash (unknown account) it still does the
 * full Argon2 work and answers false. A malformed stored hash answers false, never throws.
 */
export async function verifyPassword({
  password,
  passwordHash,
}: {
  password: string;
  passwordHash: string | null;
}): Promise<boolean> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  const against = passwordHash ?? (await dummyHash);
  try {
    const matches = await verify(against, password);
    return matches && passwordHash !== null;
  } catch {
    return false;
  }
}
