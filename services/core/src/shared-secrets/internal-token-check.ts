import { createHash, timingSafeEqual } from 'node:crypto';
import { acceptedValues, type RotatingSecret } from './rotating-secret.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether an `Authorization` header carries the internal API token: `Bearer <token>` with the
 * current, previous or next value. Comparing digests keeps each compare constant-time whatever
 * length the caller sends, and every accepted value is compared, so the time taken does not say
 * which one matched. Built once at start-up; throws a TypeError prefixed `scope` on a short value.
 */
export function internalTokenCheck(scope: string, token: RotatingSecret): (authorization: unknown) => boolean {
  const values = token && typeof token.current === 'string' ? acceptedValues(token) : [];
  if (values.length === 0 || values.some((value) => typeof value !== 'string' || value.length < 32)) {
    throw new TypeError(`${scope}: every internal API token value must be a string of at least 32 characters`);
  }
  const expected = values.map((value) => digest(`Bearer ${value}`));
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    const presented = digest(authorization);
    let matched = false;
    for (const candidate of expected) matched = timingSafeEqual(presented, candidate) || matched;
    return matched;
  };
}
