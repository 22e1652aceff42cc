import type { Queryable } from '../postgres/queryable.ts';
import { type Member, type MemberRow, toMember } from './member.ts';

/** A tenant's members, oldest first. */
export async function listMembers(db: Queryable, { tenantId }: { tenantId: string }): Promise<Member[]> {
  const { rows } = await db.query<MemberRow>(
    `SELECT m.user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = $1 ORDER BY m.created_at, m.user_id LIMIT 1000`,
    [tenantId],
  );
  return rows.map(toMember);
}
