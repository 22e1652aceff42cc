import type { CreatePasskeyInput, Passkey, UpdatePasskeySignCountInput } from '@authscale/identity';

/** What the passkey ceremonies need from the identity module's `webauthn_credentials` table. */
export interface PasskeyStore {
  listForUser(input: { userId: string }): Promise<Passkey[]>;
  find(input: { credentialId: string }): Promise<Passkey | null>;
  /** Deletes the user's own credential; `false` when it is unknown or belongs to someone else. */
  remove(input: { userId: string; credentialId: string }): Promise<boolean>;
  /** `false` when the credential id is already registered (to anyone). */
  create(input: CreatePasskeyInput): Promise<boolean>;
  /**
   * Moves the counter from `previousCount` to `newCount` for this user's credential, in one
   * conditional update; `false` if another sign-in moved it first.
   */
  updateSignCount(input: UpdatePasskeySignCountInput): Promise<boolean>;
}
