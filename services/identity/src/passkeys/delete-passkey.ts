import { appendEvent } from '../events/append-event.ts';
import type { Queryable } from '../postgres/queryable.ts';

/**
 * Removes one of the user's own credentials; `false` when it is unknown or someone else's, so
 * a caller cannot tell another user's credential id from a made-up one. In the caller's
 * transaction, with `mfa.removed`.
 */
export async function deletePasskey(
  db: Queryable,
  { userId, credentialId }: { userId: string; credentialId: string },
): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM webauthn_credentials WHERE credential_id = $1 AND user_id = $2', [
    credentialId,
    userId,
  ]);
  if (rowCount !== 1) return false;
  await appendEvent(db, { type: 'mfa.removed', data: { userId, method: 'passkey' } });
  return true;
}
