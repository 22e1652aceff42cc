import type { PoolClient } from 'pg';
import { appendEvent } from '../events/append-event.ts';

export interface ActivateTotpInput {
  userId: string;
  pendingSecretCiphertext: string;
  timeStep: number;
  recoveryCodeHashes: string[];
}

/**
 * In the caller's transaction: the pending secret replaces the active one (only if it is still
 * the one the caller checked), its first step counts as used, and every recovery code is replaced.
 */
export async function activateTotp(
  client: PoolClient,
  { userId, pendingSecretCiphertext, timeStep, recoveryCodeHashes }: ActivateTotpInput,
): Promise<boolean> {
  const promoted = await client.query(
    `UPDATE totp_credentials
     SET secret_ciphertext = pending_secret_ciphertext, pending_secret_ciphertext = NULL, activated_at = now(),
         last_used_step = $3, failed_attempts = 0, locked_until = NULL
     WHERE user_id = $1 AND pending_secret_ciphertext = $2`,
    [userId, pendingSecretCiphertext, timeStep],
  );
  if (promoted.rowCount !== 1) return false;
  await client.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await client.query('INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])', [
    userId,
    recoveryCodeHashes,
  ]);
  await appendEvent(client, { type: 'mfa.enrolled', data: { userId, method: 'totp' } });
  return true;
}
