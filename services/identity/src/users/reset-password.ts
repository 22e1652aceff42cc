import { appendEvent } from '../events/append-event.ts';
import type { Queryable } from '../postgres/queryable.ts';

/**
 * Sets the password of a user who proved control of their address with a reset link, in the
 * caller's transaction, with `password.changed`: unlike a re-hash, receivers hear of it. `false`
 * when the account has no password to replace.
 */
export async function resetPassword(
  db: Queryable,
  { userId, passwordHash }: { userId: string; passwordHash: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE password_credentials SET hash = $2, updated_at = now() WHERE user_id = $1',
    [userId, passwordHash],
  );
  if (rowCount !== 1) return false;
  await appendEvent(db, { type: 'password.changed', data: { userId, via: 'reset' } });
  return true;
}
