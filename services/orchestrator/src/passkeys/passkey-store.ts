export interface PasskeyRecord {
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

/** What the passkey ceremonies need from the identity module's `webauthn_credentials` table. */
export interface PasskeyStore {
  listForUser(input: { userId: string }): Promise<PasskeyRecord[]>;
  find(input: { credentialId: string }): Promise<PasskeyRecord | null>;
  /** Deletes the user's own credential; `false` when it is unknown or belongs to someone else. */
  remove(input: { userId: string; credentialId: string }): Promise<boolean>;
  /** `false` when the credential id is already registered (to anyone). */
  create(input: {
    userId: string;
    credentialId: string;
    publicKey: Uint8Array;
    signCount: number;
    transports: string[];
    deviceType: 'singleDevice' | 'multiDevice';
    backedUp: boolean;
  }): Promise<boolean>;
  /**
   * Moves the counter from `previousCount` to `newCount` for this user's credential, in one
   * conditional update; `false` if another sign-in moved it first.
   */
  updateSignCount(input: {
    credentialId: string;
    userId: string;
    previousCount: number;
    newCount: number;
  }): Promise<boolean>;
}
