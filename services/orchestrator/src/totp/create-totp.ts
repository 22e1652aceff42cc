import { AuthError } from '@authscale/core';
import { generateSecret, generateURI } from 'otplib';
import { checkTotpCode } from './check-totp-code.ts';
import type { SecretBox } from './create-secret-box.ts';
import { generateRecoveryCodes } from './generate-recovery-codes.ts';
import { hashRecoveryCode } from './hash-recovery-code.ts';
import type { TotpStore } from './totp-store.ts';

export interface CreateTotpOptions {
  store: TotpStore;
  secretBox: SecretBox;
  /** Shown by authenticator apps beside the account name. */
  issuer: string;
  /** Wrong codes (TOTP or recovery) before the factor locks. @default 5 */
  maxAttempts?: number;
  /** @default 900 */
  lockoutSeconds?: number;
  /** Unix seconds, for time steps; a seam for tests. Lockouts run on the store's clock. @default the system clock */
  now?: () => number;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

const recoveryCodePattern = /^[0-9A-Za-z]{26}$/;

/** TOTP enrolment, activation and verification over a `TotpStore`. */
export function createTotp({
  store,
  secretBox,
  issuer,
  maxAttempts = 5,
  lockoutSeconds = 900,
  now = () => Math.floor(Date.now() / 1000),
}: CreateTotpOptions) {
  // The lock's end is in the store; a whole lockout is the longest a client may have to wait.
  const lockedOut = () =>
    new AuthError('rate_limited', 'Too many wrong codes; try again later.', { retryAfterSeconds: lockoutSeconds });

  async function refuse(userId: string): Promise<never> {
    const { locked } = await store.recordFailure({ userId, maxAttempts, lockoutSeconds });
    throw locked ? lockedOut() : new AuthError('invalid_credentials');
  }

  function assertNotLocked({ locked }: { locked: boolean }) {
    if (locked) throw lockedOut();
  }

  return Object.freeze({
    /** Whether sign-in must ask for a second factor. */
    async isEnrolled({ userId }: { userId: string }): Promise<boolean> {
      return Boolean((await store.find({ userId }))?.secretCiphertext);
    },

    /** A fresh 160-bit secret, stored sealed as a pending enrolment. */
    async enroll({ userId, accountName }: { userId: string; accountName: string }) {
      const secret = generateSecret({ length: 20 });
      await store.savePending({ userId, secretCiphertext: secretBox.seal(secret, userId) });
      return { secret, otpauthUrl: generateURI({ issuer, label: accountName, secret }) };
    },

    /** Confirms the pending enrolment with a valid code; returns the recovery codes, shown once. */
    async activate({ userId, code }: { userId: string; code: string }): Promise<{ recoveryCodes: string[] }> {
      const factor = await store.find({ userId });
      const pending = factor?.pendingSecretCiphertext;
      if (!factor || !pending) throw new AuthError('conflict', 'No TOTP enrolment is in progress.');
      assertNotLocked(factor);
      const secret = secretBox.open(pending, userId);
      const timeStep = secret ? await checkTotpCode({ secret, code, now: now() }) : null;
      if (timeStep === null) return refuse(userId);
      const { codes, hashes } = generateRecoveryCodes();
      const activated = await store.activate({
        userId,
        pendingSecretCiphertext: pending,
        timeStep,
        recoveryCodeHashes: hashes,
      });
      if (!activated) throw new AuthError('conflict', 'The enrolment changed; start again.');
      return { recoveryCodes: codes };
    },

    /** Turns TOTP off: the secret and every recovery code go in one transaction. */
    async disable({ userId }: { userId: string }): Promise<void> {
      if (!(await store.remove({ userId }))) throw new AuthError('not_found', 'No authenticator app is set up.');
    },

    /** Ten fresh recovery codes, shown once; the old ones stop working in the same transaction. */
    async regenerateRecoveryCodes({ userId }: { userId: string }): Promise<{ recoveryCodes: string[] }> {
      const { codes, hashes } = generateRecoveryCodes();
      if (!(await store.replaceRecoveryCodes({ userId, recoveryCodeHashes: hashes }))) {
        throw new AuthError('conflict', 'Recovery codes back up an authenticator app; set one up first.');
      }
      return { recoveryCodes: codes };
    },

    /**
     * Checks a second factor: a current TOTP code (each accepted once) or an unused recovery code.
     * Wrong codes count towards the lockout; a locked factor refuses even correct codes.
     */
    async verify({ userId, code }: { userId: string; code: string }): Promise<SecondFactorMethod> {
      const factor = await store.find({ userId });
      if (!factor?.secretCiphertext) throw new AuthError('invalid_credentials');
      assertNotLocked(factor);
      const trimmed = code.trim();
      if (/^\d{6}$/.test(trimmed)) {
        const secret = secretBox.open(factor.secretCiphertext, userId);
        const timeStep = secret
          ? await checkTotpCode({ secret, code: trimmed, afterTimeStep: factor.lastUsedStep, now: now() })
          : null;
        if (timeStep !== null && (await store.acceptTimeStep({ userId, timeStep }))) return 'totp';
      } else if (recoveryCodePattern.test(trimmed.replace(/[\s-]/g, ''))) {
        if (await store.consumeRecoveryCode({ userId, codeHash: hashRecoveryCode(trimmed) })) return 'recovery_code';
      }
      return refuse(userId);
    },
  });
}

export type Totp = ReturnType<typeof createTotp>;
