import type { Queryable } from '../lib/queryable.ts';
import type { MembershipRole } from '../types.ts';

/** The user's role in the tenant, or null when they are not a member. */
export async function findMembership(
  db: Queryable,
  { userId, tenantId }: { userId: string; tenantId: string },
): Promise<MembershipRole | null> {
  const { rows } = await db.query<{ role: MembershipRole }>(
    'SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2',
    [userId, tenantId],
  );
  return rows[0]?.role ?? null;
}
