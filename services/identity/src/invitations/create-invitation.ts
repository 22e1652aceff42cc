import { AuthError, normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { flowIdHash } from '../flows/flow-id-hash.ts';
import { lockTenantMemberships } from '../memberships/lock-tenant-memberships.ts';
import { assertInvitationAllowed } from '../memberships/membership-rules.ts';
import type { MembershipRole } from '../types.ts';
import { type Invitation, type InvitationRow, maxPendingInvitations, toInvitation } from './invitation.ts';

export interface CreateInvitationInput {
  tenantId: string;
  actorId: string;
  email: string;
  role: MembershipRole;
  /** The secret of the mailed link; only its SHA-256 is stored. */
  token: string;
  ttlSeconds: number;
}

/**
 * Invites an address to the tenant, in the caller's transaction, under the tenant lock. An earlier
 * pending invitation of the same address is replaced (new id, token, role and expiry), so only the
 * latest link works. The users table is never read: the work, and so the answer and its timing,
 * are the same whether or not an account has the address.
 */
export async function createInvitation(
  client: PoolClient,
  { tenantId, actorId, email, role, token, ttlSeconds }: CreateInvitationInput,
): Promise<Invitation & { tenantName: string }> {
  const locked = await lockTenantMemberships(client, { tenantId, userIds: [actorId] });
  assertInvitationAllowed({ actorRole: locked.roleOf(actorId), role });
  // The tenant's expired invitations go here, a bounded sweep under the lock we already hold.
  await client.query('DELETE FROM tenant_invitations WHERE tenant_id = $1 AND expires_at <= now()', [tenantId]);
  // Counted under the same lock, so concurrent invitations cannot pass the cap together; renewing
  // an address already invited adds nothing and stays allowed.
  const { rows: pending } = await client.query<{ full: boolean }>(
    `SELECT count(*) >= $2 AND NOT bool_or(email = $3) AS full FROM tenant_invitations WHERE tenant_id = $1`,
    [tenantId, maxPendingInvitations, normalizeEmail(email)],
  );
  if (pending[0]?.full) {
    throw new AuthError(
      'conflict',
      `The tenant has ${maxPendingInvitations} pending invitations; revoke some or let them expire first.`,
    );
  }
  const { rows } = await client.query<InvitationRow & { tenant_name: string; replaced: boolean }>(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
     ON CONFLICT (tenant_id, email) DO UPDATE SET id = EXCLUDED.id, role = EXCLUDED.role,
       token_hash = EXCLUDED.token_hash, invited_by = EXCLUDED.invited_by, created_at = now(),
       expires_at = EXCLUDED.expires_at
     RETURNING id, email, role, invited_by, created_at, expires_at, xmax <> 0 AS replaced,
       (SELECT name FROM tenants WHERE id = $1) AS tenant_name`,
    [tenantId, normalizeEmail(email), role, flowIdHash(token), actorId, ttlSeconds],
  );
  const row = rows[0] as InvitationRow & { tenant_name: string; replaced: boolean };
  await recordAuditEvent(client, {
    type: 'invitation.created',
    userId: actorId,
    tenantId,
    detail: { invitationId: row.id, role, replaced: row.replaced },
  });
  return { ...toInvitation(row), tenantName: row.tenant_name };
}
