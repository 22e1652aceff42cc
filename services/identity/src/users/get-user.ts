import type { Queryable } from '../lib/queryable.ts';
import type { User } from '../types.ts';

export async function getUser(db: Queryable, { userId }: { userId: string }): Promise<User | null> {
  const { rows } = await db.query<User>('SELECT id, email FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}
