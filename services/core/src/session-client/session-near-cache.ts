import { LRUCache } from 'lru-cache';
import { countNearCacheLookup } from '../telemetry/authscale-metrics.ts';
import { maxNearCacheAgeMs } from './session-epoch.ts';
import { sessionIdFor } from './session-id-for.ts';
import type { SessionView } from './session-schemas.ts';

export interface SessionNearCacheOptions {
  /**
   * The user's invalidation epoch (`sessionEpochKey`), read through a Redis client-side cache so
   * that a read is local until Redis reports a change (`TrackedEpochs.read` answers a held epoch
   * synchronously). Throws or rejects when Redis cannot be asked.
   */
  epochOf: (userId: string) => string | null | Promise<string | null>;
  /**
   * How long an entry serves before the next request goes to a replica again (which slides the
   * session's idle expiry when it is due). At most `maxNearCacheAgeMs`.
   */
  maxAgeMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  view: SessionView;
  cachedAt: number;
  epoch: string | null;
  /** Answers derived from this session and its user, dropped with the entry. */
  derived: Map<string, string>;
}

/**
 * The edge's near cache of live sessions. A hit costs a local map lookup and a client-side-cached
 * epoch read; a miss (or any doubt: Redis unreachable, epoch changed, entry aged out) asks the
 * session replicas as before. Coherence comes from Redis: whatever revokes a session or changes
 * the user increments the user's epoch, and Redis invalidates every edge's cached copy of it.
 */
export function createSessionNearCache({ epochOf, maxAgeMs, maxEntries, now = Date.now }: SessionNearCacheOptions) {
  if (!(maxAgeMs > 0 && maxAgeMs <= maxNearCacheAgeMs)) {
    throw new TypeError(`createSessionNearCache: maxAgeMs must be in (0, ${maxNearCacheAgeMs}]`);
  }
  const entries = new LRUCache<string, Entry>({ max: maxEntries });
  const currentEpoch = async (userId: string) => {
    try {
      return await epochOf(userId);
    } catch {
      return undefined;
    }
  };

  /** What a request learns here: the cached view, or what its load must know. */
  type Lookup = { view: SessionView } | { view?: undefined; epoch: string | null | undefined; fresh: boolean };

  async function lookup(userId: string, sid: string): Promise<Lookup> {
    // One read decides a hit and, on a miss, comes before the load: a revoke that races the load
    // then shows up as a changed epoch.
    const epoch = await currentEpoch(userId);
    const entry = entries.get(sid);
    let epochMoved = false;
    if (entry) {
      const at = now();
      const { view } = entry;
      const current =
        view.userId === userId &&
        at - entry.cachedAt < maxAgeMs &&
        at < view.idleExpiresAt &&
        at < view.absoluteExpiresAt;
      epochMoved = current && epoch !== entry.epoch;
      if (current && !epochMoved) {
        countNearCacheLookup('edge.sessions', true);
        return { view };
      }
      entries.delete(sid);
    }
    countNearCacheLookup('edge.sessions', false);
    // After a moved epoch the replica's own near cache may not have heard of the change yet
    // (its invalidation travels on another connection): ask it to read past its cache.
    return { epoch, fresh: epochMoved };
  }

  function keep(userId: string, sid: string, epoch: string | null | undefined, view: SessionView | null) {
    if (view && epoch !== undefined && view.userId === userId && view.sid === sid) {
      entries.set(sid, { view, cachedAt: now(), epoch, derived: new Map() });
    }
    return view;
  }

  return {
    /**
     * The live session for a cookie token, from here or from `load` (the replicas; `fresh` asks
     * them to read past their own near cache).
     */
    async validate(
      token: string,
      load: (token: string, options: { fresh: boolean }) => Promise<SessionView | null>,
    ): Promise<SessionView | null> {
      const dot = token.indexOf('.');
      if (dot < 1) return load(token, { fresh: false });
      const userId = token.slice(0, dot);
      const sid = sessionIdFor(token);
      const found = await lookup(userId, sid);
      return found.view ?? keep(userId, sid, found.epoch, await load(token, { fresh: found.fresh }));
    },
    /** The live session by id (bearer JWTs), from here or from `load`. */
    async touch(
      userId: string,
      sid: string,
      load: (userId: string, sid: string, options: { fresh: boolean }) => Promise<SessionView | null>,
    ): Promise<SessionView | null> {
      const found = await lookup(userId, sid);
      return found.view ?? keep(userId, sid, found.epoch, await load(userId, sid, { fresh: found.fresh }));
    },
    /**
     * The store for answers derived from a session just validated here; undefined when it was not
     * cached. Take it before awaiting anything else: a later entry for the same session may
     * belong to a newer epoch than the answer being stored.
     */
    derivedFor(sid: string): Map<string, string> | undefined {
      return entries.peek(sid)?.derived;
    },
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
  };
}

export type SessionNearCache = ReturnType<typeof createSessionNearCache>;
