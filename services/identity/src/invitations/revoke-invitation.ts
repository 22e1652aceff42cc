import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { lockTenantMemberships } from '../memberships/lock-tenant-memberships.ts';
import { assertInvitationAllowed } from '../memberships/membership-rules.ts';
import type { MembershipRole } from '../types.ts';

/**
 * Deletes a pending invitation under the tenant lock, in the caller's transaction: its link stops
 * working at once. Whoever may invite for its role may revoke it.
 */
export async function revokeInvitation(
  client: PoolClient,
  { tenantId, actorId, invitationId }: { tenantId: string; actorId: string; invitationId: string },
): Promise<void> {
  const locked = await lockTenantMemberships(client, { tenantId, userIds: [actorId] });
  const { rows } = await client.query<{ role: MembershipRole }>(
    'SELECT role FROM tenant_invitations WHERE id = $1 AND tenant_id = $2 AND expires_at > now() FOR UPDATE',
    [invitationId, tenantId],
  );
  const invitation = rows[0];
  if (!invitation) {
    assertInvitationAllowed({ actorRole: locked.roleOf(actorId), role: 'member' });
    throw new AuthError('not_found', 'No pending invitation has that id.');
  }
  assertInvitationAllowed({ actorRole: locked.roleOf(actorId), role: invitation.role });
  await client.query('DELETE FROM tenant_invitations WHERE id = $1', [invitationId]);
  await recordAuditEvent(client, {
    type: 'invitation.revoked',
    userId: actorId,
    tenantId,
    detail: { invitationId, role: invitation.role },
  });
}
