import { randomUUID } from 'node:crypto';
import type { FlowPayload, FlowStore } from '../../src/mfa/flow-store.ts';
import type { OidcAccounts } from '../../src/oidc/oidc-accounts.ts';
import type { PasskeyRecord, PasskeyStore } from '../../src/passkeys/passkey-store.ts';
import type { TotpFactorRecord, TotpStore } from '../../src/totp/totp-store.ts';

/** Stores for the ceremony tests. */
export async function createTestStores(): Promise<{
  flows: FlowStore;
  passkeys: PasskeyStore;
  totp: TotpStore;
  accounts: OidcAccounts & { userIdByEmail(email: string): Promise<string | null> };
  close(): Promise<void>;
}> {
  const flowMap = new Map<string, { payload: FlowPayload; expiresAt: number }>();
  const credentials = new Map<string, PasskeyRecord>();
  const identities = new Map<string, string>();
  const factors = new Map<string, Omit<TotpFactorRecord, 'locked'> & { failures: number; lockedUntil: number }>();
  const recoveryCodes = new Map<string, Map<string, boolean>>();
  const users = new Map<string, string>();
  const live = (key: string) => {
    const entry = flowMap.get(key);
    return entry && entry.expiresAt > Date.now() ? entry.payload : null;
  };
  return {
    flows: {
      async put({ kind, id, payload, ttlSeconds }) {
        flowMap.set(`${kind}:${id}`, { payload, expiresAt: Date.now() + ttlSeconds * 1000 });
      },
      async get({ kind, id }) {
        return live(`${kind}:${id}`);
      },
      async take({ kind, id }) {
        const payload = live(`${kind}:${id}`);
        flowMap.delete(`${kind}:${id}`);
        return payload;
      },
    },
    passkeys: {
      async listForUser({ userId }) {
        return [...credentials.values()].filter((record) => record.userId === userId);
      },
      async find({ credentialId }) {
        return credentials.get(credentialId) ?? null;
      },
      async create(input) {
        if (credentials.has(input.credentialId)) return false;
        credentials.set(input.credentialId, { ...input });
        return true;
      },
      async updateSignCount({ credentialId, userId, previousCount, newCount }) {
        const record = credentials.get(credentialId);
        if (!record || record.userId !== userId || record.signCount !== previousCount) return false;
        record.signCount = newCount;
        return true;
      },
    },
    totp: {
      async find({ userId }) {
        const factor = factors.get(userId);
        if (!factor) return null;
        const { secretCiphertext, pendingSecretCiphertext, lastUsedStep, lockedUntil } = factor;
        return { secretCiphertext, pendingSecretCiphertext, lastUsedStep, locked: lockedUntil > Date.now() };
      },
      async savePending({ userId, secretCiphertext }) {
        const factor = factors.get(userId);
        if (factor) factor.pendingSecretCiphertext = secretCiphertext;
        else
          factors.set(userId, {
            secretCiphertext: null,
            pendingSecretCiphertext: secretCiphertext,
            lastUsedStep: null,
            lockedUntil: 0,
            failures: 0,
          });
      },
      async activate({ userId, pendingSecretCiphertext, timeStep, recoveryCodeHashes }) {
        const factor = factors.get(userId);
        if (!factor || factor.pendingSecretCiphertext !== pendingSecretCiphertext) return false;
        Object.assign(factor, {
          secretCiphertext: pendingSecretCiphertext,
          pendingSecretCiphertext: null,
          lastUsedStep: timeStep,
          lockedUntil: 0,
          failures: 0,
        });
        recoveryCodes.set(userId, new Map(recoveryCodeHashes.map((hash) => [hash, false])));
        return true;
      },
      async acceptTimeStep({ userId, timeStep }) {
        const factor = factors.get(userId);
        if (!factor?.secretCiphertext || (factor.lastUsedStep !== null && factor.lastUsedStep >= timeStep))
          return false;
        Object.assign(factor, { lastUsedStep: timeStep, failures: 0 });
        return true;
      },
      async consumeRecoveryCode({ userId, codeHash }) {
        const codes = recoveryCodes.get(userId);
        if (codes?.get(codeHash) !== false) return false;
        codes.set(codeHash, true);
        const factor = factors.get(userId);
        if (factor) factor.failures = 0;
        return true;
      },
      async recordFailure({ userId, maxAttempts, lockoutSeconds }) {
        const factor = factors.get(userId);
        if (!factor) return { locked: false };
        factor.failures += 1;
        if (factor.failures < maxAttempts) return { locked: false };
        Object.assign(factor, { failures: 0, lockedUntil: Date.now() + lockoutSeconds * 1000 });
        return { locked: true };
      },
    },
    accounts: {
      async signInWithOidc({ issuer, subject, email, emailVerified }) {
        const key = `${issuer} ${subject}`;
        const existing = identities.get(key);
        if (existing) return { userId: existing, outcome: 'existing' };
        if (!email || !emailVerified) return null;
        const linked = users.get(email);
        const userId = linked ?? randomUUID();
        users.set(email, userId);
        identities.set(key, userId);
        return { userId, outcome: linked ? 'linked' : 'created' };
      },
      async userIdByEmail(email) {
        return users.get(email) ?? null;
      },
    },
    async close() {},
  };
}
