import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import type { MembershipRole } from '../types.ts';
import { lockAndAuthorizeMemberChange } from './lock-tenant-memberships.ts';
import { type Member, type MemberRow, toMember } from './member.ts';

export interface ChangeMemberRoleInput {
  tenantId: string;
  actorId: string;
  userId: string;
  role: MembershipRole;
}

/** Changes a member's role under the tenant lock, in the caller's transaction. */
export async function changeMemberRole(
  client: PoolClient,
  { tenantId, actorId, userId, role }: ChangeMemberRoleInput,
): Promise<Member> {
  const currentRole = await lockAndAuthorizeMemberChange(client, { tenantId, actorId, userId, nextRole: role });
  const { rows } = await client.query<MemberRow>(
    `UPDATE memberships m SET role = $3 FROM users u
     WHERE m.tenant_id = $1 AND m.user_id = $2 AND u.id = m.user_id
     RETURNING m.user_id, u.email, m.role, m.created_at`,
    [tenantId, userId, role],
  );
  if (currentRole !== role) {
    await recordAuditEvent(client, {
      type: 'member.role_changed',
      userId: actorId,
      tenantId,
      detail: { memberId: userId, from: currentRole, to: role },
    });
  }
  return toMember(rows[0] as MemberRow);
}
