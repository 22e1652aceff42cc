import { appendEvent } from '../events/append-event.ts';
import type { Queryable } from '../postgres/queryable.ts';

export interface ReplacePasswordHashInput {
  userId: string;
  /** The hash the caller verified the current password against. */
  previousHash: string;
  passwordHash: string;
}

/**
 * A password change as compare-and-set: only if the stored hash is still the one the caller
 * checked, so of two concurrent changes (or a change racing a re-hash) only one wins. In the
 * caller's transaction, with `password.changed`.
 */
export async function replacePasswordHash(
  db: Queryable,
  { userId, previousHash, passwordHash }: ReplacePasswordHashInput,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE password_credentials SET hash = $3, updated_at = now() WHERE user_id = $1 AND hash = $2',
    [userId, previousHash, passwordHash],
  );
  if (rowCount !== 1) return false;
  await appendEvent(db, { type: 'password.changed', data: { userId, via: 'change' } });
  return true;
}
