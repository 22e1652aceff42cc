import type { Queryable } from '../lib/queryable.ts';

/** The tenant a new session starts in: the user's oldest membership (their personal tenant). */
export async function findDefaultTenant(db: Queryable, { userId }: { userId: string }): Promise<string | null> {
  const { rows } = await db.query<{ tenant_id: string }>(
    'SELECT tenant_id FROM memberships WHERE user_id = $1 ORDER BY created_at, tenant_id LIMIT 1',
    [userId],
  );
  return rows[0]?.tenant_id ?? null;
}
