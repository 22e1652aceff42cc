import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';
import type { PasswordLogin } from '../types.ts';

/** The user id and password hash for an email, or null when either is missing or the user is disabled. */
export async function findPasswordLogin(db: Queryable, { email }: { email: string }): Promise<PasswordLogin | null> {
  const { rows } = await db.query<{ user_id: string; hash: string }>(
    `SELECT u.id AS user_id, p.hash FROM users u JOIN password_credentials p ON p.user_id = u.id
     WHERE u.email = $1 AND u.disabled_at IS NULL`,
    [normalizeEmail(email)],
  );
  const row = rows[0];
  return row ? { userId: row.user_id, passwordHash: row.hash } : null;
}
