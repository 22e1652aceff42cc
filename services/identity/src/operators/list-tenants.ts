import type { Queryable } from '../postgres/queryable.ts';
import type { MembershipRole } from '../types.ts';

export interface TenantSummary {
  id: string;
  name: string;
  createdAt: string;
  members: number;
}

export interface TenantDetail extends TenantSummary {
  memberships: Array<{ userId: string; email: string; role: MembershipRole; joinedAt: string }>;
}

/** Every tenant in id order, a page at a time after `after` (the previous page's last id). */
export async function listTenants(
  db: Queryable,
  { after, limit }: { after?: string; limit: number },
): Promise<TenantSummary[]> {
  return selectTenants(db, 'WHERE $1::uuid IS NULL OR t.id > $1::uuid ORDER BY t.id LIMIT $2', [after ?? null, limit]);
}

/** One tenant with its members, as an operator sees it; null for an unknown id. */
export async function describeTenant(db: Queryable, { tenantId }: { tenantId: string }): Promise<TenantDetail | null> {
  const [tenant] = await selectTenants(db, 'WHERE t.id = $1', [tenantId]);
  if (!tenant) return null;
  const { rows } = await db.query<{ user_id: string; email: string; role: MembershipRole; created_at: Date }>(
    `SELECT m.user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = $1 ORDER BY m.created_at, m.user_id`,
    [tenantId],
  );
  return {
    ...tenant,
    memberships: rows.map((row) => ({
      userId: row.user_id,
      email: row.email,
      role: row.role,
      joinedAt: row.created_at.toISOString(),
    })),
  };
}

async function selectTenants(db: Queryable, where: string, values: unknown[]): Promise<TenantSummary[]> {
  const { rows } = await db.query<{ id: string; name: string; created_at: Date; members: number }>(
    `SELECT t.id, t.name, t.created_at, (SELECT count(*)::int FROM memberships m WHERE m.tenant_id = t.id) AS members
     FROM tenants t ${where}`,
    values,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    members: row.members,
  }));
}
