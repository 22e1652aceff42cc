import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';

export type ChangeEmailResult = { changed: true } | { changed: false; existingUserId: string | null };

/**
 * Moves the user to a new email, which is unproven until verified again. An email another account
 * holds changes nothing and names that account (the caller must not reveal it); the unique index
 * settles a race between two changes.
 */
export async function changeEmail(
  db: Queryable,
  { userId, email }: { userId: string; email: string },
): Promise<ChangeEmailResult> {
  const normalized = normalizeEmail(email);
  try {
    const { rowCount } = await db.query(
      'UPDATE users SET email = $2, email_verified_at = NULL WHERE id = $1 AND disabled_at IS NULL',
      [userId, normalized],
    );
    return rowCount === 1 ? { changed: true } : { changed: false, existingUserId: null };
  } catch (error) {
    if ((error as { code?: string } | null)?.code !== '23505') throw error;
    const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [normalized]);
    return { changed: false, existingUserId: rows[0]?.id ?? null };
  }
}
