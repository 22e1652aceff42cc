import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import type { UserTenant } from './list-user-tenants.ts';

/** Creates a tenant owned by `userId`, in the caller's transaction. */
export async function createTenant(
  client: PoolClient,
  { userId, name }: { userId: string; name: string },
): Promise<UserTenant> {
  const { rows } = await client.query<{ id: string; name: string; created_at: Date }>(
    'INSERT INTO tenants (name) VALUES ($1) RETURNING id, name, created_at',
    [name],
  );
  const tenant = rows[0] as { id: string; name: string; created_at: Date };
  await client.query(`INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)`, [
    tenant.id,
    userId,
    tenant.created_at,
  ]);
  await recordAuditEvent(client, { type: 'tenant.created', userId, tenantId: tenant.id });
  await appendEvent(client, { type: 'membership.added', data: { userId, tenantId: tenant.id, role: 'owner' } });
  return { id: tenant.id, name: tenant.name, role: 'owner', joinedAt: tenant.created_at.toISOString() };
}
