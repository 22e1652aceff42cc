import type { Queryable } from '../postgres/queryable.ts';

export interface TotpFactor {
  secretCiphertext: string | null;
  pendingSecretCiphertext: string | null;
  lastUsedStep: number | null;
  locked: boolean;
}

export async function findTotpFactor(db: Queryable, { userId }: { userId: string }): Promise<TotpFactor | null> {
  const { rows } = await db.query<{
    secret_ciphertext: string | null;
    pending_secret_ciphertext: string | null;
    last_used_step: string | null;
    locked: boolean;
  }>(
    `SELECT secret_ciphertext, pending_secret_ciphertext, last_used_step,
            coalesce(locked_until > now(), false) AS locked
     FROM totp_credentials WHERE user_id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    secretCiphertext: row.secret_ciphertext,
    pendingSecretCiphertext: row.pending_secret_ciphertext,
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    locked: row.locked,
  };
}
