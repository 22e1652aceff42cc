import { AuthError } from '@authscale/core';
import type { MembershipRole } from '../types.ts';

const rank: Readonly<Record<MembershipRole, number>> = { member: 0, admin: 1, owner: 2 };

export interface MembershipChange {
  actorId: string;
  actorRole: MembershipRole;
  targetId: string;
  /** The target's role now; null when they are being added. */
  currentRole: MembershipRole | null;
  /** The target's role afterwards; null when they are being removed. */
  nextRole: MembershipRole | null;
  /** How many owners the tenant has now, read under the tenant lock. */
  ownerCount: number;
}

/**
 * The role model, in one place: anyone may leave or lower their own role; otherwise only owners
 * and admins manage members, admins never touch owners nor make one, and the last owner stays.
 */
export function assertMembershipChangeAllowed(change: MembershipChange): void {
  const { actorId, actorRole, targetId, currentRole, nextRole, ownerCount } = change;
  if (actorId === targetId) {
    if (nextRole !== null && currentRole !== null && rank[nextRole] > rank[currentRole]) {
      throw new AuthError('forbidden', 'Nobody can raise their own role.');
    }
  } else {
    if (actorRole === 'member') throw new AuthError('forbidden', 'Only owners and admins manage members.');
    if (actorRole === 'admin' && (currentRole === 'owner' || nextRole === 'owner')) {
      throw new AuthError('forbidden', 'Only owners can change owners.');
    }
  }
  if (currentRole === 'owner' && nextRole !== 'owner' && ownerCount <= 1) {
    throw new AuthError('conflict', 'A tenant must keep at least one owner.');
  }
}

/**
 * Who may invite (or revoke an invitation) for a role: owners and admins, and only owners for
 * `owner`. Checked when the invitation is made and again, with the inviter's role then, when it is
 * accepted: an invitation carries no more authority than its inviter still has.
 */
export function assertInvitationAllowed({
  actorRole,
  role,
}: {
  actorRole: MembershipRole | null;
  role: MembershipRole;
}): void {
  if (actorRole !== 'owner' && actorRole !== 'admin') {
    throw new AuthError('forbidden', 'Only owners and admins manage invitations.');
  }
  if (actorRole === 'admin' && role === 'owner') throw new AuthError('forbidden', 'Only owners can invite owners.');
}
