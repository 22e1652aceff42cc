import type { Queryable } from '../postgres/queryable.ts';

export interface UpdatePasskeySignCountInput {
  credentialId: string;
  userId: string;
  previousCount: number;
  newCount: number;
}

/** Compare-and-set on the signature counter: `false` if another sign-in moved it first. */
export async function updatePasskeySignCount(
  db: Queryable,
  { credentialId, userId, previousCount, newCount }: UpdatePasskeySignCountInput,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE webauthn_credentials SET sign_count = $4, last_used_at = now()
     WHERE credential_id = $1 AND user_id = $2 AND sign_count = $3`,
    [credentialId, userId, previousCount, newCount],
  );
  return rowCount === 1;
}
