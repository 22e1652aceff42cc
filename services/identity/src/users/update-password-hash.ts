import type { Queryable } from '../postgres/queryable.ts';

/** Replaces a user's password hash (a re-hash with current parameters, or a password change). */
export async function updatePasswordHash(
  db: Queryable,
  { userId, passwordHash }: { userId: string; passwordHash: string },
): Promise<void> {
  await db.query('UPDATE password_credentials SET hash = $2, updated_at = now() WHERE user_id = $1', [
    userId,
    passwordHash,
  ]);
}
