import type { Queryable } from '../lib/queryable.ts';
import type { MembershipRole } from '../types.ts';

/** The user's role in the tenant, or null when they are not a member or are disabled. */
export async function findMembership(
  db: Queryable,
  { userId, tenantId }: { userId: string; tenantId: string },
): Promise<MembershipRole | null> {
  const { rows } = await db.query<{ role: MembershipRole }>(
    `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.user_id = $1 AND m.tenant_id = $2 AND u.disabled_at IS NULL`,
    [userId, tenantId],
  );
  return rows[0]?.role ?? null;
}
