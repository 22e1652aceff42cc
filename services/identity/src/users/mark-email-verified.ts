import { normalizeEmail } from '@authscale/core';
import { appendEvent } from '../events/append-event.ts';
import type { Queryable } from '../postgres/queryable.ts';

/**
 * Records that the user proved they receive mail at `email`. Nothing changes unless that is still
 * the account's address and the account is enabled: a link mailed before an email change proves
 * nothing about the new address. In the caller's transaction; the first proof of an address is
 * the `user.email_verified` event. Returns whether the address is now verified.
 */
export async function markEmailVerified(
  db: Queryable,
  { userId, email }: { userId: string; email: string },
): Promise<boolean> {
  const normalized = normalizeEmail(email);
  const { rows } = await db.query<{ newly: boolean }>(
    `UPDATE users u SET email_verified_at = coalesce(u.email_verified_at, now())
     FROM (SELECT id, email_verified_at IS NULL AS newly FROM users WHERE id = $1 FOR UPDATE) before
     WHERE u.id = before.id AND u.email = $2 AND u.disabled_at IS NULL RETURNING before.newly`,
    [userId, normalized],
  );
  const row = rows[0];
  if (!row) return false;
  if (row.newly) await appendEvent(db, { type: 'user.email_verified', data: { userId, email: normalized } });
  return true;
}
