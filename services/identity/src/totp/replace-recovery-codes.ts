import type { PoolClient } from 'pg';

/**
 * In the caller's transaction: replaces every recovery code, only while an active TOTP factor
 * exists (the row is locked, so a concurrent removal cannot leave codes behind). `false` when
 * there is no active factor.
 */
export async function replaceRecoveryCodes(
  client: PoolClient,
  { userId, recoveryCodeHashes }: { userId: string; recoveryCodeHashes: string[] },
): Promise<boolean> {
  const active = await client.query(
    'SELECT 1 FROM totp_credentials WHERE user_id = $1 AND secret_ciphertext IS NOT NULL FOR UPDATE',
    [userId],
  );
  if (active.rowCount !== 1) return false;
  await client.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await client.query('INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])', [
    userId,
    recoveryCodeHashes,
  ]);
  return true;
}
