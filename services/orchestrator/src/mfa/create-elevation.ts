import type { FlowStore } from './flow-store.ts';

/**
 * Step-up state: a session is "elevated" for `ttlSeconds` after its user proved a strong factor
 * (at sign-in, or again through a step-up route). The elevation lives in its own record with its
 * own expiry, so it lapses long before the session does and cannot be extended by activity.
 */
export function createElevation({ flows, ttlSeconds = 300 }: { flows: FlowStore; ttlSeconds?: number }) {
  return Object.freeze({
    ttlSeconds,
    async grant({ sessionId, userId }: { sessionId: string; userId: string }): Promise<void> {
      const at = Math.floor(Date.now() / 1000);
      await flows.put({ kind: 'elevation', id: sessionId, payload: { userId, at }, ttlSeconds });
    },
    async isElevated({ sessionId, userId }: { sessionId: string; userId: string }): Promise<boolean> {
      const record = await flows.get({ kind: 'elevation', id: sessionId });
      return record?.userId === userId;
    },
  });
}

export type Elevation = ReturnType<typeof createElevation>;
