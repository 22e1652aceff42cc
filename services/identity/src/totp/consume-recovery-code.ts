import type { Queryable } from '../postgres/queryable.ts';

/** Marks an unused recovery code used (one conditional statement) and clears the failure count. */
export async function consumeRecoveryCode(
  db: Queryable,
  { userId, codeHash }: { userId: string; codeHash: string },
): Promise<boolean> {
  const { rows } = await db.query<{ used: number }>(
    `WITH used AS (
       UPDATE recovery_codes SET used_at = now()
       WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM totp_credentials WHERE user_id = $1 AND locked_until > now())
       RETURNING user_id
     ), reset AS (
       UPDATE totp_credentials SET failed_attempts = 0 WHERE user_id IN (SELECT user_id FROM used)
     )
     SELECT count(*)::int AS used FROM used`,
    [userId, codeHash],
  );
  return rows[0]?.used === 1;
}
