import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, dependencyError, purgedEpochTtlMs, sessionEpochKey, sessionEpochTtlMs } from '@authscale/core';
import type { SessionRecord } from '../store/session-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { RedisConnection } from './redis-connection.ts';
import { createRevocationJournal, type Revocation } from './revocation-journal.ts';
import { userKey } from './session-keys.ts';
import {
  bumpEpochScript,
  createScript,
  footprintScript,
  purgeScript,
  revokeAllScript,
  revokeScript,
  touchScript,
} from './session-scripts.ts';
import { packSession, unpackSession } from './session-value.ts';

export interface CreateRedisStoreOptions {
  connection: RedisConnection;
  backend: 'redis' | 'redis-cluster';
  /** Namespace before the hash tag. @default 'as' */
  prefix?: string;
  /**
   * The fewest replicas that must acknowledge create, revoke and revoke-all (`WAIT`); every replica
   * the primary counts online must too. 0 only where the deployment has no replica, and then a
   * primary's loss loses writes. @default 1
   */
  minReplicaAcks?: number;
  /** @default 200 */
  waitTimeoutMs?: number;
  /** How long an operation retries through a failover before it fails. @default 2500 */
  retryDeadlineMs?: number;
  /** How long a replicated revoke is replayed after a topology change. @default 60000 */
  revocationRetentionMs?: number;
  /** How often unreplicated revokes are applied again. @default 1000 */
  replayIntervalMs?: number;
  /** How long an erased user's epoch lives on (`purgeUser`). @default purgedEpochTtlMs */
  purgedEpochTtlMs?: number;
  /** A session's longest life: the journal keeps unreplicated revokes this long. */
  absoluteTtlMs: number;
  /**
   * A create beyond this many live sessions of one user evicts the user's oldest. Keeps a user's
   * hash under hash-max-listpack-entries (128), hence compact, and every script on it short. @default 100
   */
  maxSessionsPerUser?: number;
  now?: () => number;
}

/**
 * The `redis` and `redis-cluster` backends. All of a user's sessions are one hash
 * (`session-keys.ts`) and every update is one Lua script on it, so atomic; create, revoke and
 * revoke-all resolve only once `minReplicaAcks` replicas have them. Revokes are journaled and replayed when the topology changes, so a revoke that a failed
 * primary never replicated is applied again to its successor.
 */
export function createRedisStore({
  connection,
  backend,
  prefix = 'as',
  minReplicaAcks = 1,
  waitTimeoutMs = 200,
  retryDeadlineMs = 2_500,
  revocationRetentionMs = 60_000,
  replayIntervalMs = 1_000,
  absoluteTtlMs,
  purgedEpochTtlMs: purgedEpochLifeMs = purgedEpochTtlMs,
  maxSessionsPerUser = 100,
  now = Date.now,
}: CreateRedisStoreOptions): SessionStore & {
  journal: ReturnType<typeof createRevocationJournal>;
  replayRevocations(): Promise<void>;
} {
  const journal = createRevocationJournal({ retentionMs: revocationRetentionMs, maxAgeMs: absoluteTtlMs, now });

  /** Retries through a failover (connection refused, CLUSTERDOWN, MOVED storms) until the deadline. */
  async function withRetry<T>(operation: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + retryDeadlineMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (error instanceof AuthError || Date.now() + 25 > deadline) throw dependencyError(error);
        await sleep(Math.min(25 * 2 ** attempt, 250));
      }
    }
  }

  /**
   * WAIT for every replica the key's primary counts online, and at least `minReplicaAcks`; once
   * more, with a fresh count, if too few answered. False when the write is still not replicated.
   *
   * Every online replica, not any one: a primary cut off from the cluster with one of its replicas
   * keeps accepting writes until its node timeout, and that replica alone could acknowledge them,
   * while the majority promotes another replica that never had them. The cut-off replica still
   * counts as online to the primary (a partition closes no socket; `repl-timeout` is longer than
   * the node timeout), so WAIT for it too fails, and the write is never acknowledged. A replica that
   * dies closes its link, drops out of the count, and writes go on with the others.
   */
  async function replicated(key: string): Promise<boolean> {
    if (minReplicaAcks === 0) return true;
    for (let attempt = 0; attempt < 2; attempt++) {
      const wanted = Math.max(minReplicaAcks, await connection.replicasOnline(key, { fresh: attempt > 0 }));
      if ((await connection.waitForReplicas(key, wanted, waitTimeoutMs)) >= wanted) return true;
    }
    return false;
  }

  /**
   * After the removal, never before: an edge that read the old epoch and then found the session
   * live is told by the change; one that reads the new epoch then finds it gone.
   */
  const bumpEpoch = (userId: string) =>
    connection.runScript(bumpEpochScript, [sessionEpochKey(prefix, userId)], [String(sessionEpochTtlMs)]);

  /** Removes one session (again, on a replay) and notes whether a replica has the removal. */
  async function apply(revocation: Revocation): Promise<boolean> {
    const key = userKey(prefix, revocation.userId);
    const removed = await connection.runScript(revokeScript, [key], [String(now()), revocation.sid]);
    connection.forget(key);
    await bumpEpoch(revocation.userId);
    revocation.replicated = await replicated(key);
    return Number(removed) === 1;
  }

  function failUnlessReplicated(revocations: Revocation[]) {
    if (revocations.some((revocation) => !revocation.replicated)) {
      throw new AuthError('dependency_unavailable', 'The revoke is applied but not yet replicated; it is retried.');
    }
  }

  /**
   * Applies every journaled revoke again, then confirms them with one WAIT per primary (a WAIT
   * per entry would hold each primary's write connection for a timeout apiece).
   */
  let replaying: Promise<void> | null = null;
  async function replayRevocations(): Promise<void> {
    replaying ??= (async () => {
      journal.prune();
      const pending = journal.pending();
      if (pending.length === 0) return;
      const applied = await Promise.all(
        pending.map(async (revocation) => {
          const key = userKey(prefix, revocation.userId);
          await connection.runScript(revokeScript, [key], [String(now()), revocation.sid]);
          connection.forget(key);
          await bumpEpoch(revocation.userId);
          return revocation;
        }),
      ).catch(() => null);
      if (!applied) return;
      const durable =
        minReplicaAcks === 0 ||
        (await connection.waitForReplicasEverywhere(minReplicaAcks, waitTimeoutMs).catch(() => false));
      if (durable) for (const revocation of applied) revocation.replicated = true;
    })().finally(() => {
      replaying = null;
    });
    return replaying;
  }

  connection.onReconnected(() => void replayRevocations());
  const replayTimer = setInterval(() => {
    journal.prune();
    if (journal.unreplicatedCount() > 0) void replayRevocations();
  }, replayIntervalMs);
  replayTimer.unref();

  /**
   * Removes every session of the user with `remove` (which answers the live sids), moves their
   * epoch (`thenBump`, unless `remove` did), journals the sids for replay and resolves once the
   * removal is replicated.
   */
  async function removeAll(
    userId: string,
    remove: (key: string) => Promise<string[]>,
    thenBump?: () => Promise<unknown>,
  ): Promise<number> {
    const key = userKey(prefix, userId);
    const revocations = await withRetry(async () => {
      const recorded = (await remove(key)).map((sid) => journal.record({ userId, sid }));
      connection.forget(key);
      await thenBump?.();
      const durable = await replicated(key);
      for (const revocation of recorded) revocation.replicated = durable;
      return recorded;
    });
    failUnlessReplicated(revocations);
    return revocations.length;
  }

  /** The record if live and not revoked here: expired fields stay in the hash until a create prunes them. */
  const live = (userId: string, sid: string, value: string | null | undefined): SessionRecord | null => {
    const record = value ? unpackSession(userId, sid, value) : null;
    if (!record) return null;
    const at = now();
    if (at >= record.idleExpiresAt || at >= record.absoluteExpiresAt) return null;
    return journal.covers(userId, sid) ? null : record;
  };

  return {
    backend,
    journal,
    replayRevocations,

    async create(record) {
      const key = userKey(prefix, record.userId);
      const args = [String(now()), record.sid, packSession(record), String(maxSessionsPerUser)];
      const durable = await withRetry(async () => {
        const evicted = Number(await connection.runScript(createScript, [key], args));
        connection.forget(key);
        // An evicted session ends like a revoked one: edges must stop serving it too.
        if (evicted > 0) await bumpEpoch(record.userId);
        return replicated(key);
      });
      if (!durable) {
        // The token is never handed out, so the unreplicated record is unusable; remove it anyway.
        await connection.runScript(revokeScript, [key], [String(now()), record.sid]).catch(() => {});
        throw new AuthError('dependency_unavailable', 'The session could not be replicated.');
      }
    },

    async get(userId, sid, options) {
      const key = userKey(prefix, userId);
      if (options?.fresh) connection.forget(key);
      return live(userId, sid, await withRetry(() => connection.readField(key, sid)));
    },

    async touch(userId, sid, activity) {
      const key = userKey(prefix, userId);
      const args = [String(now()), sid, String(activity.lastSeenAt), String(activity.idleExpiresAt)];
      const touched = await withRetry(() => connection.runScript(touchScript, [key], args));
      connection.forget(key);
      return Number(touched) === 1;
    },

    async revoke(userId, sid) {
      const revocation = journal.record({ userId, sid });
      const removed = await withRetry(() => apply(revocation));
      failUnlessReplicated([revocation]);
      return removed;
    },

    revokeAll: (userId) =>
      removeAll(
        userId,
        async (key) => (await connection.runScript(revokeAllScript, [key], [String(now())])) as string[],
        () => bumpEpoch(userId),
      ),

    purgeUser: (userId) =>
      removeAll(userId, async (key) => {
        const args = [String(now()), String(purgedEpochLifeMs)];
        return (await connection.runScript(purgeScript, [key, sessionEpochKey(prefix, userId)], args)) as string[];
      }),

    async footprint(userId) {
      const keys = [userKey(prefix, userId), sessionEpochKey(prefix, userId)];
      const [sessions, pttl] = (await withRetry(() => connection.runScript(footprintScript, keys, []))) as number[];
      return { sessions: Number(sessions), epochExpiresInMs: Number(pttl) === -2 ? null : Number(pttl) };
    },

    async invalidateUser(userId) {
      const durable = await withRetry(async () => {
        await bumpEpoch(userId);
        return replicated(sessionEpochKey(prefix, userId));
      });
      if (!durable) throw new AuthError('dependency_unavailable', 'The invalidation could not be replicated.');
    },

    async listForUser(userId) {
      const hash = await withRetry(() => connection.readHash(userKey(prefix, userId)));
      return Object.entries(hash)
        .map(([sid, value]) => live(userId, sid, value))
        .filter((record) => record !== null)
        .sort((a, b) => b.createdAt - a.createdAt);
    },

    ping: () => connection.ping(),
    async close() {
      clearInterval(replayTimer);
      await connection.close();
    },
  };
}
