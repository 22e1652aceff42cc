import type { Queryable } from '../postgres/queryable.ts';
import type { MembershipRole, User } from '../types.ts';

export interface Membership {
  role: MembershipRole;
  user: User;
}

/**
 * The user's role in the tenant and their user record, or null when they are not a member or are
 * disabled. The user row is read for `disabled_at` anyway, so its email costs nothing here and
 * saves a second round trip to whoever needs it next (`GET /me`).
 */
export async function findMembership(
  db: Queryable,
  { userId, tenantId }: { userId: string; tenantId: string },
): Promise<Membership | null> {
  const { rows } = await db.query<{ role: MembershipRole; id: string; email: string }>(
    `SELECT m.role, u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.user_id = $1 AND m.tenant_id = $2 AND u.disabled_at IS NULL`,
    [userId, tenantId],
  );
  const row = rows[0];
  return row ? { role: row.role, user: { id: row.id, email: row.email } } : null;
}
