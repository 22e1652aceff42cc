import type { Queryable } from '../postgres/queryable.ts';

export interface RecordTotpFailureInput {
  userId: string;
  maxAttempts: number;
  lockoutSeconds: number;
}

/** Counts a wrong code atomically; the attempt that reaches `maxAttempts` locks the factor. */
export async function recordTotpFailure(
  db: Queryable,
  { userId, maxAttempts, lockoutSeconds }: RecordTotpFailureInput,
): Promise<{ locked: boolean }> {
  const { rows } = await db.query<{ locked: boolean }>(
    `UPDATE totp_credentials SET
       failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
       locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
     WHERE user_id = $1
     RETURNING coalesce(locked_until > now(), false) AS locked`,
    [userId, maxAttempts, lockoutSeconds],
  );
  return { locked: rows[0]?.locked ?? false };
}
