/** A stored WebAuthn credential, as the ceremonies read it. */
export interface Passkey {
  /** base64url, as the authenticator reports it. */
  credentialId: string;
  userId: string;
  /** The COSE-encoded public key. */
  publicKey: Uint8Array;
  signCount: number;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyRow {
  credential_id: string;
  user_id: string;
  public_key: Buffer;
  sign_count: string;
  transports: string[];
  created_at: Date;
  last_used_at: Date | null;
}

export const passkeyColumns = 'credential_id, user_id, public_key, sign_count, transports, created_at, last_used_at';

export function toPasskey(row: PasskeyRow): Passkey {
  return {
    credentialId: row.credential_id,
    userId: row.user_id,
    publicKey: new Uint8Array(row.public_key),
    signCount: Number(row.sign_count),
    transports: row.transports,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
