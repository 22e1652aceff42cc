import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import { deleteUserFlows } from '../flows/delete-user-flows.ts';

export interface SetUserDisabledInput {
  userId: string;
  disabled: boolean;
  /** Who did it, for the audit trail: the operator key's id and name. */
  operator: { keyId: string; name: string };
  reason?: string;
}

/**
 * Disables or enables a user by id, in the caller's transaction. Disabling sweeps their pending
 * challenges as the CLI's `disable-user` does; ending sessions and refresh families is the
 * caller's next step. Idempotent: only a change is audited (and, for a disable, published).
 * Null for an unknown id.
 */
export async function setUserDisabled(
  client: PoolClient,
  { userId, disabled, operator, reason }: SetUserDisabledInput,
): Promise<{ changed: boolean } | null> {
  const { rows } = await client.query<{ was_disabled: boolean }>(
    `UPDATE users u SET disabled_at = CASE WHEN $2 THEN coalesce(u.disabled_at, now()) ELSE NULL END
     FROM (SELECT id, disabled_at IS NOT NULL AS was_disabled FROM users WHERE id = $1 FOR UPDATE) before
     WHERE u.id = before.id RETURNING before.was_disabled`,
    [userId, disabled],
  );
  const row = rows[0];
  if (!row) return null;
  if (disabled) await deleteUserFlows(client, { userId });
  const changed = row.was_disabled !== disabled;
  if (changed) {
    await recordAuditEvent(client, {
      type: disabled ? 'user.disabled' : 'user.enabled',
      userId,
      detail: { operatorKeyId: operator.keyId, operator: operator.name, ...(reason ? { reason } : {}) },
    });
    if (disabled) await appendEvent(client, { type: 'user.disabled', data: { userId } });
  }
  return { changed };
}
