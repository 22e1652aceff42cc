import type { PoolClient } from 'pg';
import { appendEvent } from '../events/append-event.ts';

/**
 * In the caller's transaction: the TOTP factor (active and pending secrets, failure count) and
 * every recovery code go together, so no recovery code outlives the factor it backs up.
 * `false` when the user had no factor.
 */
export async function removeTotp(client: PoolClient, { userId }: { userId: string }): Promise<boolean> {
  const removed = await client.query('DELETE FROM totp_credentials WHERE user_id = $1', [userId]);
  await client.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  if (removed.rowCount !== 1) return false;
  await appendEvent(client, { type: 'mfa.removed', data: { userId, method: 'totp' } });
  return true;
}
