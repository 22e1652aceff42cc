import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import type { MembershipRole } from '../types.ts';
import { assertMembershipChangeAllowed } from './membership-rules.ts';

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

/**
 * Locks the tenant and checks that `actorId` may move the existing member `userId` to `nextRole`
 * (null: remove them). Answers the member's current role.
 */
export async function lockAndAuthorizeMemberChange(
  client: PoolClient,
  {
    tenantId,
    actorId,
    userId,
    nextRole,
  }: { tenantId: string; actorId: string; userId: string; nextRole: MembershipRole | null },
): Promise<MembershipRole> {
  const locked = await lockTenantMemberships(client, { tenantId, userIds: [actorId, userId] });
  const actorRole = locked.roleOf(actorId);
  if (!actorRole) throw new AuthError('forbidden');
  const currentRole = locked.roleOf(userId);
  if (!currentRole) throw new AuthError('not_found', 'That user is not a member.');
  assertMembershipChangeAllowed({
    actorId,
    actorRole,
    targetId: userId,
    currentRole,
    nextRole,
    ownerCount: locked.ownerCount,
  });
  return currentRole;
}
