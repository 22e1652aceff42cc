import type { Queryable } from '../postgres/queryable.ts';

/** The password hash of an enabled user; null when they have none (OIDC-only) or are disabled. */
export async function findPasswordHash(db: Queryable, { userId }: { userId: string }): Promise<string | null> {
  const { rows } = await db.query<{ hash: string }>(
    `SELECT p.hash FROM password_credentials p JOIN users u ON u.id = p.user_id
     WHERE p.user_id = $1 AND u.disabled_at IS NULL`,
    [userId],
  );
  return rows[0]?.hash ?? null;
}
