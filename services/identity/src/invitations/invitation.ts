import type { MembershipRole } from '../types.ts';

/**
 * Pending invitations a tenant may hold at once: the whole list fits one answer, so a manager
 * always sees, and can revoke, every link out there, and one tenant cannot mail without bound.
 */
export const maxPendingInvitations = 1000;

/** A pending invitation as its tenant's managers see it: never its token. */
export interface Invitation {
  id: string;
  email: string;
  role: MembershipRole;
  /** Null once the inviter's account is gone (the invitation can then no longer be accepted). */
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationRow {
  id: string;
  email: string;
  role: MembershipRole;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
}

export const toInvitation = (row: InvitationRow): Invitation => ({
  id: row.id,
  email: row.email,
  role: row.role,
  invitedBy: row.invited_by,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
});
