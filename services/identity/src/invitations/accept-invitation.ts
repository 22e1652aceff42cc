import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import { flowIdHash } from '../flows/flow-id-hash.ts';
import type { UserTenant } from '../memberships/list-user-tenants.ts';
import { lockTenantMemberships } from '../memberships/lock-tenant-memberships.ts';
import { assertInvitationAllowed } from '../memberships/membership-rules.ts';
import type { MembershipRole } from '../types.ts';

interface PendingInvitation {
  id: string;
  tenant_id: string;
  tenant_name: string;
  email: string;
  role: MembershipRole;
  invited_by: string | null;
}

/**
 * Turns an invitation into a membership, in the caller's transaction. The link alone proves
 * nothing about who clicked it: the signed-in user's address must be the invited one and
 * verified, or whoever signed up with someone else's address first would take their place. The
 * invitation is spent only on success, so a refused attempt leaves it to the invitee.
 */
export async function acceptInvitation(
  client: PoolClient,
  { token, userId }: { token: string; userId: string },
): Promise<UserTenant> {
  const invitations = await client.query<PendingInvitation>(
    `SELECT i.id, i.tenant_id, t.name AS tenant_name, i.email, i.role, i.invited_by
     FROM tenant_invitations i JOIN tenants t ON t.id = i.tenant_id
     WHERE i.token_hash = $1 AND i.expires_at > now() FOR UPDATE OF i`,
    [flowIdHash(token)],
  );
  const invitation = invitations.rows[0];
  if (!invitation) throw new AuthError('invalid_link');
  const users = await client.query<{ email: string; verified: boolean }>(
    'SELECT email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1 AND disabled_at IS NULL',
    [userId],
  );
  const user = users.rows[0];
  if (!user) throw new AuthError('unauthenticated');
  // Both sides are in the one normal form identity stores addresses in.
  if (user.email !== invitation.email) throw new AuthError('forbidden', 'The invitation is for another address.');
  if (!user.verified) throw new AuthError('forbidden', 'Verify your email address before accepting the invitation.');

  const { tenant_id: tenantId, role } = invitation;
  // A disabled inviter vouches for nobody, as a deleted one (whose id the foreign key cleared).
  const inviter = await client.query<{ id: string }>('SELECT id FROM users WHERE id = $1 AND disabled_at IS NULL', [
    invitation.invited_by,
  ]);
  const inviterId = inviter.rows[0]?.id ?? null;
  const locked = await lockTenantMemberships(client, { tenantId, userIds: inviterId ? [inviterId, userId] : [userId] });
  if (locked.roleOf(userId)) throw new AuthError('conflict', 'You are already a member of this tenant.');
  assertInvitationAllowed({ actorRole: inviterId ? locked.roleOf(inviterId) : null, role });

  const { rows } = await client.query<{ created_at: Date }>(
    'INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) RETURNING created_at',
    [tenantId, userId, role],
  );
  await client.query('DELETE FROM tenant_invitations WHERE id = $1', [invitation.id]);
  await recordAuditEvent(client, {
    type: 'invitation.accepted',
    userId,
    tenantId,
    detail: { invitationId: invitation.id, role, ...(inviterId ? { invitedBy: inviterId } : {}) },
  });
  await appendEvent(client, { type: 'membership.added', data: { userId, tenantId, role } });
  const joinedAt = (rows[0] as { created_at: Date }).created_at.toISOString();
  return { id: tenantId, name: invitation.tenant_name, role, joinedAt };
}
