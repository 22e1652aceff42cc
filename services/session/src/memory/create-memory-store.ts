import type { SessionRecord } from '../store/session-record.ts';
import type { SessionStore } from '../store/session-store.ts';

export interface CreateMemoryStoreOptions {
  /** How often expired records are swept out. @default 60000 */
  sweepIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** One process, no persistence: the `memory` backend for development and single-process demos. */
export function createMemoryStore({ sweepIntervalMs = 60_000, now = Date.now }: CreateMemoryStoreOptions = {}) {
  const byUser = new Map<string, Map<string, SessionRecord>>();
  const expired = (record: SessionRecord) => now() >= record.idleExpiresAt || now() >= record.absoluteExpiresAt;
  const copy = (record: SessionRecord): SessionRecord => ({ ...record, amr: [...record.amr] });

  const sweep = setInterval(() => {
    for (const [userId, sessions] of byUser) {
      for (const [sid, record] of sessions) if (expired(record)) sessions.delete(sid);
      if (sessions.size === 0) byUser.delete(userId);
    }
  }, sweepIntervalMs);
  sweep.unref();

  const store: SessionStore = {
    backend: 'memory',
    async create(record) {
      const sessions = byUser.get(record.userId) ?? new Map<string, SessionRecord>();
      sessions.set(record.sid, copy(record));
      byUser.set(record.userId, sessions);
    },
    async get(userId, sid) {
      const record = byUser.get(userId)?.get(sid);
      return record && !expired(record) ? copy(record) : null;
    },
    async touch(userId, sid, { lastSeenAt, idleExpiresAt }) {
      const record = byUser.get(userId)?.get(sid);
      if (!record || expired(record)) return false;
      record.lastSeenAt = lastSeenAt;
      record.idleExpiresAt = Math.min(idleExpiresAt, record.absoluteExpiresAt);
      return true;
    },
    async revoke(userId, sid) {
      const sessions = byUser.get(userId);
      const record = sessions?.get(sid);
      sessions?.delete(sid);
      return record !== undefined && !expired(record);
    },
    async revokeAll(userId) {
      const sessions = [...(byUser.get(userId)?.values() ?? [])];
      byUser.delete(userId);
      return sessions.filter((record) => !expired(record)).length;
    },
    async listForUser(userId) {
      return [...(byUser.get(userId)?.values() ?? [])]
        .filter((record) => !expired(record))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(copy);
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      byUser.clear();
    },
  };
  return store;
}
