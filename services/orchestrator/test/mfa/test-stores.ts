import type { FlowPayload, FlowStore } from '../../src/mfa/flow-store.ts';
import type { PasskeyRecord, PasskeyStore } from '../../src/passkeys/passkey-store.ts';

/** Stores for the ceremony tests. */
export async function createTestStores(): Promise<{
  flows: FlowStore;
  passkeys: PasskeyStore;
  close(): Promise<void>;
}> {
  const flowMap = new Map<string, { payload: FlowPayload; expiresAt: number }>();
  const credentials = new Map<string, PasskeyRecord>();
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
    async close() {},
  };
}
