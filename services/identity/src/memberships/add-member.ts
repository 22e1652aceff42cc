import { AuthError, normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import type { MembershipRole } from '../types.ts';
import { lockTenantMemberships } from './lock-tenant-memberships.ts';
import { type Member, type MemberRow, toMember } from './member.ts';
import { assertMembershipChangeAllowed } from './membership-rules.ts';

export interface AddMemberInput {
  tenantId: string;
  actorId: string;
  email: string;
  role: MembershipRole;
}

/** Adds an existing, enabled user to the tenant, in the caller's transaction. */
export async function addMember(
  client: PoolClient,
  { tenantId, actorId, email, role }: AddMemberInput,
): Promise<Member> {
  const users = await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1 AND disabled_at IS NULL', [
    normalizeEmail(email),
  ]);
  const userId = users.rows[0]?.id;
  const locked = await lockTenantMemberships(client, { tenantId, userIds: userId ? [actorId, userId] : [actorId] });
  const actorRole = locked.roleOf(actorId);
  if (!actorRole) throw new AuthError('forbidden');
  if (!userId) throw new AuthError('not_found', 'No user has that email address.');
  if (locked.roleOf(userId)) throw new AuthError('conflict', 'That user is already a member.');
  assertMembershipChangeAllowed({
    actorId,
    actorRole,
    targetId: userId,
    currentRole: null,
    nextRole: role,
    ownerCount: locked.ownerCount,
  });
  const { rows } = await client.query<MemberRow>(
    `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
     RETURNING user_id, $4::text AS email, role, created_at`,
    [tenantId, userId, role, normalizeEmail(email)],
  );
  await recordAuditEvent(client, {
    type: 'member.added',
    userId: actorId,
    tenantId,
    detail: { memberId: userId, role },
  });
  return toMember(rows[0] as MemberRow);
}
