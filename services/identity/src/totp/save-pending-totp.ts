import type { Queryable } from '../postgres/queryable.ts';

/** Starts or restarts an enrolment; an active secret is left as it is until activation. */
export async function savePendingTotp(
  db: Queryable,
  { userId, secretCiphertext }: { userId: string; secretCiphertext: string },
): Promise<void> {
  await db.query(
    `INSERT INTO totp_credentials (user_id, pending_secret_ciphertext) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET pending_secret_ciphertext = EXCLUDED.pending_secret_ciphertext`,
    [userId, secretCiphertext],
  );
}
