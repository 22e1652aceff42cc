import type { Queryable } from '../postgres/queryable.ts';

/**
 * Records `timeStep` as used only if it is newer than the last one and the factor is not locked:
 * of two requests carrying the same code, exactly one wins.
 */
export async function acceptTotpStep(
  db: Queryable,
  { userId, timeStep }: { userId: string; timeStep: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE totp_credentials SET last_used_step = $2, failed_attempts = 0
     WHERE user_id = $1 AND secret_ciphertext IS NOT NULL
       AND (last_used_step IS NULL OR last_used_step < $2)
       AND (locked_until IS NULL OR locked_until <= now())`,
    [userId, timeStep],
  );
  return rowCount === 1;
}
