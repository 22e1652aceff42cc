import type { Queryable } from '../postgres/queryable.ts';
import { type Passkey, type PasskeyRow, passkeyColumns, toPasskey } from './passkey-row.ts';

export async function listPasskeys(db: Queryable, { userId }: { userId: string }): Promise<Passkey[]> {
  const { rows } = await db.query<PasskeyRow>(
    `SELECT ${passkeyColumns} FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at`,
    [userId],
  );
  return rows.map(toPasskey);
}
