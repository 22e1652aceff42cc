import { AuthError } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import { deleteUserFlows } from '../flows/delete-user-flows.ts';
import type { Queryable } from '../postgres/queryable.ts';

/** Whether a flow's payload holds the address (the text parameter) as any value, however deep. */
const payloadHoldsAddress = (param: string) =>
  `jsonb_path_exists(payload, '$.** ? (@ == $email)', jsonb_build_object('email', ${param}::text))`;

export interface EraseUserInput {
  userId: string;
  /** The operator key's id, kept in the `user.erased` tombstone. */
  operatorId: string;
  /** The operator's note, kept in the tombstone: it is theirs, not the user's. */
  reason: string;
}

export interface PostgresRowsErased {
  /** Tenants the user was the only member of, deleted with their projects and webhooks. */
  tenantsDeleted: string[];
  auditEventsScrubbed: number;
  outboxEventsDeleted: number;
  flowsDeleted: number;
  invitationsDeleted: number;
}

export type PostgresErasure =
  | { outcome: 'erased'; removed: PostgresRowsErased }
  /** No user row, but a `user.erased` tombstone: an earlier run committed. */
  | { outcome: 'already_erased' };

/**
 * The user's address (disabled or not), or null for an id no user has. Refuses with `forbidden`
 * on a connection that is not the operator role's, and with `conflict`
 * while the user is the only owner of a tenant that has other members: erasing them would leave
 * that tenant without an owner, so an owner must be named first.
 */
export async function findErasableUser(
  db: Queryable,
  { userId }: { userId: string },
): Promise<{ email: string } | null> {
  // Asked first, so a caller on the wrong role fails before it disables anyone or clears any store.
  const { rows: role } = await db.query<{ may: boolean }>(
    "SELECT has_column_privilege('audit_events', 'ip', 'UPDATE') AS may",
  );
  if (!role[0]?.may) throw new AuthError('forbidden', 'Erasure needs the operator role.');
  const { rows } = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId]);
  const user = rows[0];
  if (!user) return null;
  const orphaned = await db.query<{ tenant_id: string }>(
    `SELECT m.tenant_id FROM memberships m
     WHERE m.user_id = $1 AND m.role = 'owner'
       AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.tenant_id = m.tenant_id AND o.role = 'owner' AND o.user_id <> $1)
       AND EXISTS (SELECT 1 FROM memberships o WHERE o.tenant_id = m.tenant_id AND o.user_id <> $1)
     ORDER BY m.tenant_id`,
    [userId],
  );
  if (orphaned.rows.length > 0) {
    const tenants = orphaned.rows.map((row) => row.tenant_id).join(', ');
    throw new AuthError('conflict', `The user is the only owner of tenants with other members: ${tenants}.`);
  }
  return { email: user.email };
}

/**
 * Erases the user's rows in the caller's transaction, which must run as the operator role: the
 * application role may not scrub audit rows or delete outbox events, and fails here with
 * `forbidden`. Foreign keys do the rest (memberships, credentials, passkeys, TOTP, recovery codes,
 * OpenID identities cascade; `invited_by` and `created_by` become NULL). Null for an unknown id.
 */
export async function eraseUser(
  client: PoolClient,
  { userId, operatorId, reason }: EraseUserInput,
): Promise<PostgresErasure | null> {
  const locked = await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1 FOR UPDATE', [userId]);
  if (locked.rowCount === 0) {
    const tombstone = await client.query("SELECT 1 FROM audit_events WHERE user_id = $1 AND type = 'user.erased'", [
      userId,
    ]);
    return tombstone.rowCount === 0 ? null : { outcome: 'already_erased' };
  }
  // The user's tenants, locked as member changes lock them, so the ownership check below holds
  // until the commit (no owner leaves, no member joins a tenant about to be deleted).
  await client.query(
    `SELECT 1 FROM tenants WHERE id IN (SELECT tenant_id FROM memberships WHERE user_id = $1)
     ORDER BY id FOR NO KEY UPDATE`,
    [userId],
  );
  const { email } = (await findErasableUser(client, { userId })) as { email: string };

  // Every earlier event of the user goes, delivered or not (deliveries cascade): a pending one
  // would deliver data about someone who no longer exists (`user.email_verified` their address),
  // and receivers of the delivered ones are told to erase by `user.deleted`, written next, while
  // the memberships that decide which tenants see it still exist.
  const outbox = await client.query('DELETE FROM event_outbox WHERE user_id = $1', [userId]);
  await appendEvent(client, { type: 'user.deleted', data: { userId } });

  // Also the flows that name no user but the address (an emailed sign-in code or link).
  const addressFlows = await client.query(`DELETE FROM auth_flows WHERE ${payloadHoldsAddress('$1')}`, [email]);
  const flows = (await deleteUserFlows(client, { userId })) + (addressFlows.rowCount ?? 0);
  const invitations = await client.query('DELETE FROM tenant_invitations WHERE email = $1', [email]);
  // The trail keeps what happened, when and in which tenant, under an id nothing links to a
  // person any more; not where from, nor the detail (key names, session ids, the operator's notes).
  const audit = await client.query(
    `UPDATE audit_events SET ip = NULL, detail = '{}' WHERE user_id = $1 AND (ip IS NOT NULL OR detail <> '{}')`,
    [userId],
  );
  const tenants = await client.query<{ id: string }>(
    `DELETE FROM tenants t WHERE t.id IN (SELECT tenant_id FROM memberships WHERE user_id = $1)
       AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.tenant_id = t.id AND o.user_id <> $1)
     RETURNING t.id`,
    [userId],
  );
  await client.query('DELETE FROM users WHERE id = $1', [userId]);
  await recordAuditEvent(client, { type: 'user.erased', userId, detail: { operatorId, reason } });
  return {
    outcome: 'erased',
    removed: {
      tenantsDeleted: tenants.rows.map((row) => row.id).sort(),
      auditEventsScrubbed: audit.rowCount ?? 0,
      outboxEventsDeleted: outbox.rowCount ?? 0,
      flowsDeleted: flows,
      invitationsDeleted: invitations.rowCount ?? 0,
    },
  };
}

/**
 * What of the user is still in Postgres, by table; empty once erased. Columns that reference
 * `users` need no look: with the row gone, their foreign keys allow no value naming it. The
 * tombstones are allowed: the user's audit rows without address or detail (and `user.erased`
 * with the operator's), and the `user.deleted` event.
 */
export async function findErasureResidue(
  db: Queryable,
  { userId, email }: { userId: string; email?: string },
): Promise<string[]> {
  const { rows } = await db.query<{ table: string }>(
    `SELECT 'users' AS table FROM users WHERE id = $1
     UNION ALL SELECT 'auth_flows' FROM auth_flows WHERE payload->>'userId' = $1::text
       OR ($2::text IS NOT NULL AND ${payloadHoldsAddress('$2')})
     UNION ALL SELECT 'tenant_invitations' FROM tenant_invitations WHERE email = $2
     UNION ALL SELECT 'event_outbox' FROM event_outbox WHERE user_id = $1 AND type <> 'user.deleted'
     UNION ALL SELECT 'audit_events' FROM audit_events WHERE user_id = $1
       AND (ip IS NOT NULL OR (type <> 'user.erased' AND detail <> '{}'))`,
    [userId, email ?? null],
  );
  return [...new Set(rows.map((row) => row.table))];
}
