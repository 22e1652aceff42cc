import { normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { appendEvent } from '../events/append-event.ts';
import { deleteUserFlows } from '../flows/delete-user-flows.ts';

/**
 * Disables the user with this email, in the caller's transaction: sign-in and tenant membership
 * checks refuse them from the commit on, and their pending challenges (passkey registration, MFA,
 * step-up) are gone with it. Idempotent; null when no user has the email.
 */
export async function disableUser(
  client: PoolClient,
  { email, reason }: { email: string; reason: string },
): Promise<{ userId: string } | null> {
  const { rows } = await client.query<{ id: string; was_disabled: boolean }>(
    `UPDATE users u SET disabled_at = coalesce(u.disabled_at, now())
     FROM (SELECT id, disabled_at IS NOT NULL AS was_disabled FROM users WHERE email = $1 FOR UPDATE) before
     WHERE u.id = before.id RETURNING u.id, before.was_disabled`,
    [normalizeEmail(email)],
  );
  const row = rows[0];
  if (!row) return null;
  // Also on a repeat run: a challenge created in the moment before the first run committed is
  // swept by the next one.
  await deleteUserFlows(client, { userId: row.id });
  if (!row.was_disabled) {
    await recordAuditEvent(client, { type: 'user.disabled', userId: row.id, detail: { reason } });
    // The reason is the operator's note, not the receiver's business.
    await appendEvent(client, { type: 'user.disabled', data: { userId: row.id } });
  }
  return { userId: row.id };
}
