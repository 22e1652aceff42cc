import type { Queryable } from '../postgres/queryable.ts';
import { type Passkey, type PasskeyRow, passkeyColumns, toPasskey } from './passkey-row.ts';

export async function findPasskey(db: Queryable, { credentialId }: { credentialId: string }): Promise<Passkey | null> {
  const { rows } = await db.query<PasskeyRow>(
    `SELECT ${passkeyColumns} FROM webauthn_credentials WHERE credential_id = $1`,
    [credentialId],
  );
  return rows[0] ? toPasskey(rows[0]) : null;
}
