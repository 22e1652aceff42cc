import type { Queryable } from '../postgres/queryable.ts';
import type { MembershipRole } from '../types.ts';

export interface UserTenant {
  id: string;
  name: string;
  role: MembershipRole;
  joinedAt: string;
}

/** The tenants the user belongs to, with their role in each, oldest membership first. */
export async function listUserTenants(db: Queryable, { userId }: { userId: string }): Promise<UserTenant[]> {
  const { rows } = await db.query<{ id: string; name: string; role: MembershipRole; created_at: Date }>(
    `SELECT t.id, t.name, m.role, m.created_at FROM memberships m JOIN tenants t ON t.id = m.tenant_id
     WHERE m.user_id = $1 ORDER BY m.created_at, m.tenant_id LIMIT 1000`,
    [userId],
  );
  return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, joinedAt: row.created_at.toISOString() }));
}
