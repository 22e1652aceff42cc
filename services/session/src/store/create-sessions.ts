import { sessionIdFor } from '@authscale/core';
import { generateSessionToken } from '../token/generate-session-token.ts';
import { parseSessionToken } from '../token/parse-session-token.ts';
import { sameSessionId } from '../token/same-session-id.ts';
import type { SessionRecord } from './session-record.ts';
import type { ReadOptions, SessionStore } from './session-store.ts';

export interface NewSession {
  userId: string;
  tenantId: string;
  ip?: string | null;
  userAgent?: string | null;
  amr: string[];
  acr: string;
  /** @default now */
  authTime?: number;
}

export interface CreateSessionsOptions {
  store: SessionStore;
  /** A session unused for this long expires. @default 1800000 (30 minutes) */
  idleTtlMs?: number;
  /** A session expires this long after creation, however active. @default 604800000 (7 days) */
  absoluteTtlMs?: number;
  /**
   * Activity is written back at most this often per session. Every write-back invalidates the
   * session's near-cache entry on every replica, so this bounds cache churn. @default 60000
   */
  touchIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Session policy over a store: issues `<userId>.<secret>` tokens, validates them (null on any
 * failure), slides the idle expiry with a throttled write-back and never past the absolute cap.
 */
export function createSessions({
  store,
  idleTtlMs = 30 * 60_000,
  absoluteTtlMs = 7 * 24 * 3_600_000,
  touchIntervalMs = 60_000,
  now = Date.now,
}: CreateSessionsOptions) {
  if (!(idleTtlMs > 0 && absoluteTtlMs >= idleTtlMs && touchIntervalMs >= 0 && touchIntervalMs < idleTtlMs)) {
    throw new TypeError('createSessions: need 0 < idleTtlMs <= absoluteTtlMs and 0 <= touchIntervalMs < idleTtlMs');
  }
  const isLive = (record: SessionRecord, at: number) => at < record.idleExpiresAt && at < record.absoluteExpiresAt;
  /** The record if live, its idle expiry moved forward at most once per `touchIntervalMs`. */
  async function slide(record: SessionRecord, at: number): Promise<SessionRecord | null> {
    if (!isLive(record, at)) return null;
    if (at - record.lastSeenAt < touchIntervalMs) return record;
    const activity = { lastSeenAt: at, idleExpiresAt: Math.min(at + idleTtlMs, record.absoluteExpiresAt) };
    // A failed write-back costs only a shorter idle window, so it must not fail the read.
    const touched = await store.touch(record.userId, record.sid, activity).catch(() => true);
    return touched ? { ...record, ...activity } : null;
  }

  return {
    store,

    async create(input: NewSession): Promise<{ token: string; session: SessionRecord }> {
      const at = now();
      const token = generateSessionToken(input.userId);
      const absoluteExpiresAt = at + absoluteTtlMs;
      const session: SessionRecord = {
        sid: sessionIdFor(token),
        userId: input.userId,
        tenantId: input.tenantId,
        createdAt: at,
        lastSeenAt: at,
        idleExpiresAt: Math.min(at + idleTtlMs, absoluteExpiresAt),
        absoluteExpiresAt,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        amr: [...input.amr],
        acr: input.acr,
        authTime: input.authTime ?? at,
      };
      await store.create(session);
      return { token, session };
    },

    /** The live session for a presented token, activity slid forward; null on any failure. */
    async validate(token: string, options?: ReadOptions): Promise<SessionRecord | null> {
      const parsed = parseSessionToken(token);
      if (!parsed) return null;
      const record = await store.get(parsed.userId, parsed.sid, options);
      const at = now();
      if (!record || !sameSessionId(record.sid, parsed.sid) || record.userId !== parsed.userId) return null;
      return slide(record, at);
    },

    /** A live session by id, or null. No write-back: for reads that are not the user's activity. */
    async get(userId: string, sid: string): Promise<SessionRecord | null> {
      const record = await store.get(userId, sid);
      return record && isLive(record, now()) ? record : null;
    },

    /**
     * A live session by id with its activity slid forward, or null: the check behind access JWTs
     * and refresh, so an app that only sends bearer tokens keeps its session alive by using it.
     */
    async touch(userId: string, sid: string, options?: ReadOptions): Promise<SessionRecord | null> {
      const record = await store.get(userId, sid, options);
      return record ? slide(record, now()) : null;
    },

    async list(userId: string): Promise<SessionRecord[]> {
      const at = now();
      return (await store.listForUser(userId)).filter((record) => isLive(record, at));
    },

    revoke: (userId: string, sid: string) => store.revoke(userId, sid),
    revokeAll: (userId: string) => store.revokeAll(userId),
    purgeUser: (userId: string) => store.purgeUser(userId),
    footprint: (userId: string) => store.footprint(userId),
    invalidateUser: async (userId: string) => {
      await store.invalidateUser?.(userId);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
