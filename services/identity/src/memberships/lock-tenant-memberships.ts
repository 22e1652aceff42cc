import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import type { MembershipRole } from '../types.ts';

export interface LockedTenant {
  ownerCount: number;
  roleOf(userId: string): MembershipRole | null;
}

/**
 * Serializes membership changes per tenant: locks the tenant row (NO KEY UPDATE, so inserts of the
 * tenant's data keep running) and then reads the roles the decision depends on. Two owners
 * demoting each other at once therefore cannot both see a second owner.
 */
export async function lockTenantMemberships(
  client: PoolClient,
  { tenantId, userIds }: { tenantId: string; userIds: string[] },
): Promise<LockedTenant> {
  const tenant = await client.query('SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [tenantId]);
  if (tenant.rowCount === 0) throw new AuthError('forbidden');
  const { rows } = await client.query<{ user_id: string; role: MembershipRole; owners: string }>(
    `SELECT user_id, role, count(*) FILTER (WHERE role = 'owner') OVER () AS owners
     FROM memberships WHERE tenant_id = $1 AND (role = 'owner' OR user_id = ANY($2::uuid[]))`,
    [tenantId, userIds],
  );
  const roles = new Map(rows.map((row) => [row.user_id, row.role]));
  return { ownerCount: Number(rows[0]?.owners ?? 0), roleOf: (userId) => roles.get(userId) ?? null };
}
