import type { Queryable } from '../postgres/queryable.ts';
import { type Invitation, type InvitationRow, maxPendingInvitations, toInvitation } from './invitation.ts';

/** A tenant's pending invitations, oldest first, all of them (creation keeps them under the cap); expired ones are left out. */
export async function listInvitations(db: Queryable, { tenantId }: { tenantId: string }): Promise<Invitation[]> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT id, email, role, invited_by, created_at, expires_at FROM tenant_invitations
     WHERE tenant_id = $1 AND expires_at > now() ORDER BY created_at, id LIMIT $2`,
    [tenantId, maxPendingInvitations],
  );
  return rows.map(toInvitation);
}
