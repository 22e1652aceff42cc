/** A user's TOTP factor as stored: secrets only as sealed envelopes. */
export interface TotpFactorRecord {
  /** The active secret; `null` until the first activation. */
  secretCiphertext: string | null;
  /** An enrolment waiting for its first valid code. */
  pendingSecretCiphertext: string | null;
  lastUsedStep: number | null;
  /** Locked by too many wrong codes, judged by the store's clock. */
  locked: boolean;
}

/**
 * What the TOTP ceremonies need from storage. The identity module implements it over Postgres;
 * every method that decides something is one conditional statement, so concurrent requests
 * cannot both win.
 */
export interface TotpStore {
  find(input: { userId: string }): Promise<TotpFactorRecord | null>;
  /** Starts (or restarts) an enrolment; an active secret stays active until the new one is confirmed. */
  savePending(input: { userId: string; secretCiphertext: string }): Promise<void>;
  /**
   * Promotes the pending secret (only if it is still `pendingSecretCiphertext`), records `timeStep`
   * as used, replaces every recovery code with `recoveryCodeHashes` and clears failures: one
   * transaction. `false` when another enrolment replaced the pending secret meanwhile.
   */
  activate(input: {
    userId: string;
    pendingSecretCiphertext: string;
    timeStep: number;
    recoveryCodeHashes: string[];
  }): Promise<boolean>;
  /** Records `timeStep` as used if it is newer than the last one, and clears failures. */
  acceptTimeStep(input: { userId: string; timeStep: number }): Promise<boolean>;
  /** Marks an unused recovery code used, and clears failures. `false` if unknown or already used. */
  consumeRecoveryCode(input: { userId: string; codeHash: string }): Promise<boolean>;
  /** Deletes the factor and every recovery code in one transaction; `false` when there was none. */
  remove(input: { userId: string }): Promise<boolean>;
  /** Replaces every recovery code while an active factor exists; `false` when none does. */
  replaceRecoveryCodes(input: { userId: string; recoveryCodeHashes: string[] }): Promise<boolean>;
  /** Counts a wrong code; at `maxAttempts` locks the factor for `lockoutSeconds` and restarts the count. */
  recordFailure(input: { userId: string; maxAttempts: number; lockoutSeconds: number }): Promise<{ locked: boolean }>;
}
