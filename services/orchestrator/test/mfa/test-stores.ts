import { randomUUID } from 'node:crypto';
import type { FlowPayload, FlowStore } from '../../src/mfa/flow-store.ts';
import type { OidcAccounts } from '../../src/oidc/oidc-accounts.ts';
import type { PasskeyRecord, PasskeyStore } from '../../src/passkeys/passkey-store.ts';

/** Stores for the ceremony tests. */
export async function createTestStores(): Promise<{
  flows: FlowStore;
  passkeys: PasskeyStore;
  accounts: OidcAccounts & { userIdByEmail(email: string): Promise<string | null> };
  close(): Promise<void>;
}> {
  const flowMap = new Map<string, { payload: FlowPayload; expiresAt: number }>();
  const credentials = new Map<string, PasskeyRecord>();
  const identities = new Map<string, string>();
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
