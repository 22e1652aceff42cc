import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';

/**
 * Records that the user proved they receive mail at `email`. Nothing changes unless that is still
 * the account's address and the account is enabled: a link mailed before an email change proves
 * nothing about the new address. Returns whether the address is now verified.
 */
export async function markEmailVerified(
  db: Queryable,
  { userId, email }: { userId: string; email: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE users SET email_verified_at = coalesce(email_verified_at, now())
     WHERE id = $1 AND email = $2 AND disabled_at IS NULL`,
    [userId, normalizeEmail(email)],
  );
  return rowCount === 1;
}
