import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { lockTenantMemberships } from './lock-tenant-memberships.ts';
import { assertMembershipChangeAllowed } from './membership-rules.ts';

/**
 * Removes a member (or lets a member leave) under the tenant lock, in the caller's transaction.
 * Their next tenant-scoped request is refused: membership is read on every such request.
 */
export async function removeMember(
  client: PoolClient,
  { tenantId, actorId, userId }: { tenantId: string; actorId: string; userId: string },
): Promise<void> {
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
    nextRole: null,
    ownerCount: locked.ownerCount,
  });
  await client.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  await recordAuditEvent(client, {
    type: 'member.removed',
    userId: actorId,
    tenantId,
    detail: { memberId: userId, role: currentRole },
  });
}
