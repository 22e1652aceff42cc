import type { SessionActivity, SessionRecord } from './session-record.ts';

export interface ReadOptions {
  fresh?: boolean;
}

export interface SessionFootprint {
  /** Session records, expired ones included. */
  sessions: number;
  /** The milliseconds until the user's epoch expires; null when it is gone or there is none. */
  epochExpiresInMs: number | null;
}

/**
 * Where sessions live. Every backend (memory, postgres, redis, redis-cluster) implements this
 * and passes the same contract tests. Keys are (userId, sid): the user id is the shard key, so
 * all of a user's sessions live together and revoke-all is one atomic step.
 *
 * A store persists and removes records; policy (token format, expiry checks, how often to write
 * activity back) lives in `createSessions`.
 */
export interface SessionStore {
  readonly backend: 'memory' | 'postgres' | 'redis' | 'redis-cluster';
  /** Stores a new record; durable (replicated where the backend replicates) when it resolves. */
  create(record: SessionRecord): Promise<void>;
  /**
   * The record, or null when absent or past its idle or absolute expiry. `fresh` skips the near
   * cache: the caller has been told the session changed and this replica may not have heard yet.
   */
  get(userId: string, sid: string, options?: ReadOptions): Promise<SessionRecord | null>;
  /** Writes activity back if the record still exists; the idle expiry never passes the absolute one. */
  touch(userId: string, sid: string, activity: SessionActivity): Promise<boolean>;
  /** Idempotent; resolves true when a live record was removed. Durable when it resolves. */
  revoke(userId: string, sid: string): Promise<boolean>;
  /** Removes every session of the user atomically; resolves with how many. Durable when it resolves. */
  revokeAll(userId: string): Promise<number>;
  /**
   * Marks what edges cache about the user as stale (their `sessionEpochKey`); revoke and revokeAll
   * do it too. Absent where no edge keeps a near cache (memory, postgres). Durable when it resolves.
   */
  invalidateUser?(userId: string): Promise<void>;
  /**
   * Erasure: removes every session of the user like `revokeAll`, and leaves no key of theirs
   * behind once no edge can hold a view from before. Where there is an epoch it is bumped, so
   * edges drop what they cached, and expires `purgedEpochTtlMs` later. Durable when it resolves.
   */
  purgeUser(userId: string): Promise<number>;
  /** What the store holds of the user, live or not: erasure's verification reads it. */
  footprint(userId: string): Promise<SessionFootprint>;
  /** Live sessions of the user, newest first. */
  listForUser(userId: string): Promise<SessionRecord[]>;
  /** Resolves when the backend answers: the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
