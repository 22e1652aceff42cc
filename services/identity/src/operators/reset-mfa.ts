import type { PoolClient } from 'pg';
import { appendEvent } from '../events/append-event.ts';
import { removeTotp } from '../totp/remove-totp.ts';

/**
 * Removes every second factor of the user (passkeys, the TOTP factor with its recovery codes) in
 * the caller's transaction, with one `mfa.removed` per method that had any: the way back in for
 * someone who lost their devices, after the operator has checked who they are.
 */
export async function resetMfa(
  client: PoolClient,
  { userId }: { userId: string },
): Promise<{ passkeys: number; totp: boolean }> {
  const passkeys = await client.query('DELETE FROM webauthn_credentials WHERE user_id = $1', [userId]);
  if ((passkeys.rowCount ?? 0) > 0)
    await appendEvent(client, { type: 'mfa.removed', data: { userId, method: 'passkey' } });
  const totp = await removeTotp(client, { userId });
  return { passkeys: passkeys.rowCount ?? 0, totp };
}
