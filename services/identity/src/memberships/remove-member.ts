import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import { lockAndAuthorizeMemberChange } from './lock-tenant-memberships.ts';

/**
 * Removes a member (or lets a member leave) under the tenant lock, in the caller's transaction.
 * Their next tenant-scoped request is refused: membership is read on every such request.
 */
export async function removeMember(
  client: PoolClient,
  { tenantId, actorId, userId }: { tenantId: string; actorId: string; userId: string },
): Promise<void> {
  const currentRole = await lockAndAuthorizeMemberChange(client, { tenantId, actorId, userId, nextRole: null });
  await client.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  await recordAuditEvent(client, {
    type: 'member.removed',
    userId: actorId,
    tenantId,
    detail: { memberId: userId, role: currentRole },
  });
  await appendEvent(client, { type: 'membership.removed', data: { userId, tenantId } });
}
