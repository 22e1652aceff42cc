import { purgedEpochTtlMs, sessionEpochTtlMs } from '@authscale/core';
import type { SessionRecord } from '../store/session-record.ts';
import type { SessionStore } from '../store/session-store.ts';

export interface CreateMemoryStoreOptions {
  /** How often expired records are swept out. @default 60000 */
  sweepIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface MemorySessionStore extends SessionStore {
  /**
   * The user's invalidation epoch, as `sessionEpochKey` holds it in Redis: it changes whenever a
   * session of the user is revoked or the user is invalidated, before that call resolves. An edge
   * in the same process reads it for its near cache, so a revoke is seen at once, with no Redis.
   */
  epochOf(userId: string): string | null;
}

/** One process, no persistence: the `memory` backend for development and single-process demos. */
export function createMemoryStore({
  sweepIntervalMs = 60_000,
  now = Date.now,
}: CreateMemoryStoreOptions = {}): MemorySessionStore {
  const byUser = new Map<string, Map<string, SessionRecord>>();
  // Kept as long as Redis keeps one (sessionEpochTtlMs), longer than any edge serves an entry.
  const epochs = new Map<string, { value: number; expiresAt: number }>();
  const bumpEpoch = (userId: string, ttlMs = sessionEpochTtlMs) =>
    epochs.set(userId, { value: (epochs.get(userId)?.value ?? 0) + 1, expiresAt: now() + ttlMs });
  const expired = (record: SessionRecord) => now() >= record.idleExpiresAt || now() >= record.absoluteExpiresAt;
  const copy = (record: SessionRecord): SessionRecord => ({ ...record, amr: [...record.amr] });

  const sweep = setInterval(() => {
    for (const [userId, sessions] of byUser) {
      for (const [sid, record] of sessions) if (expired(record)) sessions.delete(sid);
      if (sessions.size === 0) byUser.delete(userId);
    }
    for (const [userId, { expiresAt }] of epochs) if (now() >= expiresAt) epochs.delete(userId);
  }, sweepIntervalMs);
  sweep.unref();

  return {
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
      bumpEpoch(userId);
      return record !== undefined && !expired(record);
    },
    async revokeAll(userId) {
      const sessions = [...(byUser.get(userId)?.values() ?? [])];
      byUser.delete(userId);
      bumpEpoch(userId);
      return sessions.filter((record) => !expired(record)).length;
    },
    async purgeUser(userId) {
      const sessions = [...(byUser.get(userId)?.values() ?? [])];
      byUser.delete(userId);
      bumpEpoch(userId, purgedEpochTtlMs);
      return sessions.filter((record) => !expired(record)).length;
    },
    async footprint(userId) {
      const epoch = epochs.get(userId);
      const epochExpiresInMs = epoch && now() < epoch.expiresAt ? epoch.expiresAt - now() : null;
      return { sessions: byUser.get(userId)?.size ?? 0, epochExpiresInMs };
    },
    async invalidateUser(userId) {
      bumpEpoch(userId);
    },
    epochOf(userId) {
      const epoch = epochs.get(userId);
      return epoch && now() < epoch.expiresAt ? String(epoch.value) : null;
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
      epochs.clear();
    },
  };
}
