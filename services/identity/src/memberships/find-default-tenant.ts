import type { Queryable } from '../postgres/queryable.ts';

/**
 * The tenant a new session starts in: the user's oldest membership (their personal tenant). A
 * disabled user has none, which is how every sign-in ceremony (password, passkey, OIDC, MFA)
 * comes to refuse them.
 */
export async function findDefaultTenant(db: Queryable, { userId }: { userId: string }): Promise<string | null> {
  const { rows } = await db.query<{ tenant_id: string }>(
    `SELECT m.tenant_id FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.user_id = $1 AND u.disabled_at IS NULL ORDER BY m.created_at, m.tenant_id LIMIT 1`,
    [userId],
  );
  return rows[0]?.tenant_id ?? null;
}
