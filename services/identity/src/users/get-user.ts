import type { Queryable } from '../postgres/queryable.ts';
import type { User } from '../types.ts';

/** An enabled user; null for an unknown or disabled one, so nothing keeps acting for them. */
export async function getUser(db: Queryable, { userId }: { userId: string }): Promise<User | null> {
  const { rows } = await db.query<User>('SELECT id, email FROM users WHERE id = $1 AND disabled_at IS NULL', [userId]);
  return rows[0] ?? null;
}
