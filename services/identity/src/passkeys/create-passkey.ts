import { appendEvent } from '../events/append-event.ts';
import type { Queryable } from '../postgres/queryable.ts';

export interface CreatePasskeyInput {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

/**
 * In the caller's transaction, with `mfa.enrolled`. `false` when the credential id is already
 * registered, to this user or another.
 */
export async function createPasskey(db: Queryable, input: CreatePasskeyInput): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO webauthn_credentials
       (credential_id, user_id, public_key, sign_count, transports, device_type, backed_up)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (credential_id) DO NOTHING`,
    [
      input.credentialId,
      input.userId,
      Buffer.from(input.publicKey),
      input.signCount,
      input.transports,
      input.deviceType,
      input.backedUp,
    ],
  );
  if (rowCount !== 1) return false;
  await appendEvent(db, { type: 'mfa.enrolled', data: { userId: input.userId, method: 'passkey' } });
  return true;
}
