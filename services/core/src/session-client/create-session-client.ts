import { setTimeout as sleep } from 'node:timers/promises';
import type { Static } from 'typebox';
import type { Pool } from 'undici';
import { classifyNetworkFailure } from '../errors/classify-network-failure.ts';
import { dependencyError } from '../errors/dependency-error.ts';
import { AuthError, type AuthErrorCode } from '../errors.ts';
import { createInternalPool } from '../http/create-internal-pool.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { rankReplicas } from './rank-replicas.ts';
import type {
  CreateSessionInput,
  createdSessionSchema,
  revokedCountSchema,
  SessionView,
  sessionFootprintSchema,
  sessionListSchema,
  sessionReplySchema,
} from './session-schemas.ts';

export interface SessionClientOptions {
  /** Base URLs of the session replicas, e.g. `http://10.0.1.7:8081`. */
  replicas: readonly string[];
  /** The replicas' `INTERNAL_API_TOKEN`. */
  internalToken: string;
  /** Deadline of one call to one replica. @default 3000 */
  timeoutMs?: number;
  /**
   * How long an idempotent call keeps trying while replicas answer that they cannot serve now or
   * do not answer: long enough to wait out a Redis failover, which a replica rides out for up to
   * its own retry deadline (2.5 s) before it answers 503. No attempt starts past it, so a call
   * ends within `readBudgetMs + timeoutMs`. A create is never retried on it. @default 4000
   */
  readBudgetMs?: number;
  /** How often each replica's `/readyz` is probed; 0 turns probing off. @default 1000 */
  healthCheckIntervalMs?: number;
  /** Keep-alive connections per replica. @default 32 */
  connectionsPerReplica?: number;
}

interface Reply {
  status: number;
  body: unknown;
}

interface Call {
  /** The shard key: the user id. */
  key: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Safe to repeat on the next replica whatever happened to the first attempt. */
  idempotent: boolean;
}

const codeOf = (body: unknown): AuthErrorCode | undefined =>
  (body as { error?: { code?: AuthErrorCode } } | null)?.error?.code;

/** A replica's own answer that a later attempt may not get: its dependency was down or slow. */
const transientCodes = new Set<AuthErrorCode>(['dependency_unavailable', 'dependency_timeout']);

/** The pause before the nth retry: the first goes to another replica at once, later ones back off. */
const backoffMs = (retry: number) => (retry === 0 ? 0 : Math.min(25 * 2 ** retry, 250));

/**
 * The session replicas' client, used by the edge and the orchestrator. Routes each call by user
 * id with rendezvous hashing so each replica serves (and caches) its own share; keeps keep-alive
 * pools; skips replicas whose health check fails, or whose connection just failed. An idempotent
 * call that fails for a reason that can pass (a replica down, slow, or riding out a Redis failover)
 * is tried again on the next live replica in the ranking, with backoff, until `readBudgetMs`.
 * Failures surface as `AuthError`s, translated by `dependencyError` (`dependency_unavailable`,
 * `dependency_timeout`, `dependency_failed`).
 */
export function createSessionClient({
  replicas: initialReplicas,
  internalToken,
  timeoutMs = 3_000,
  readBudgetMs = 4_000,
  healthCheckIntervalMs = 1_000,
  connectionsPerReplica = 32,
}: SessionClientOptions) {
  if (typeof internalToken !== 'string' || internalToken.length < 32) {
    throw new TypeError('createSessionClient: internalToken must be a string of at least 32 characters');
  }
  if (!(timeoutMs > 0)) throw new TypeError('createSessionClient: timeoutMs must be positive');
  if (!(readBudgetMs >= 0)) throw new TypeError('createSessionClient: readBudgetMs must not be negative');
  const authorization = `Bearer ${internalToken}`;
  const pools = new Map<string, Pool>();
  const down = new Set<string>();
  let replicas: string[] = [];

  function setReplicas(next: readonly string[]) {
    if (next.length === 0) throw new TypeError('createSessionClient: at least one replica is required');
    const normalised = next.map((replica) => new URL(replica).origin);
    for (const [origin, pool] of pools) {
      if (!normalised.includes(origin)) {
        pools.delete(origin);
        down.delete(origin);
        void pool.close().catch(() => {});
      }
    }
    for (const origin of normalised) {
      if (!pools.has(origin))
        pools.set(origin, createInternalPool({ origin, timeoutMs, connections: connectionsPerReplica }));
    }
    replicas = normalised;
  }
  setReplicas(initialReplicas);

  async function send(replica: string, method: Call['method'], path: string, body?: unknown): Promise<Reply> {
    const pool = pools.get(replica);
    if (!pool) throw new AuthError('dependency_unavailable');
    const response = await pool.request({
      method,
      path,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.statusCode, body: await readJsonBody(response.body) };
  }

  /**
   * The replica for the next attempt: the first one after `previous` in the ranking (cyclically)
   * that is not known to be down, so a retry never goes back to where the failure was while
   * another replica is live, nor to a replica whose connection failed. With all of them down,
   * the ranking itself: one may be back before its health check says so.
   */
  function nextReplica(ranked: readonly string[], previous: string | undefined): string {
    const from = previous === undefined ? 0 : ranked.indexOf(previous) + 1;
    for (let step = 0; step < ranked.length; step++) {
      const replica = ranked[(from + step) % ranked.length] as string;
      if (!down.has(replica)) return replica;
    }
    return ranked[from % ranked.length] as string;
  }

  async function call({ key, method, path, body, idempotent }: Call): Promise<Reply> {
    const ranked = rankReplicas(key, replicas);
    const deadline = idempotent ? performance.now() + readBudgetMs : 0;
    let replica: string | undefined;
    for (let attempt = 0; ; attempt++) {
      replica = nextReplica(ranked, replica);
      try {
        const reply = await send(replica, method, path, body);
        if (reply.status < 500) return reply;
        throw new AuthError(codeOf(reply.body) ?? 'dependency_unavailable');
      } catch (error) {
        const answered = error instanceof AuthError;
        if (!answered) down.add(replica);
        if (!idempotent) {
          // A create goes to the next replica only if the first certainly never saw it.
          if (attempt === 0 && classifyNetworkFailure(error) === 'not-sent') continue;
          throw dependencyError(error);
        }
        // Any failure is worth one other replica; only one that can pass is worth the budget (an
        // answer such as `internal` is a bug, and would be the same everywhere).
        const passing = !answered || transientCodes.has(error.code);
        const pause = backoffMs(attempt);
        if (!(attempt === 0 || (passing && performance.now() + pause < deadline))) throw dependencyError(error);
        if (pause > 0) await sleep(pause);
      }
    }
  }

  const probe = async () => {
    await Promise.all(
      replicas.map(async (replica) => {
        try {
          const { status } = await send(replica, 'GET', '/readyz');
          if (status === 200) down.delete(replica);
          else down.add(replica);
        } catch {
          down.add(replica);
        }
      }),
    );
  };
  const healthTimer = healthCheckIntervalMs > 0 ? setInterval(() => void probe(), healthCheckIntervalMs) : null;
  healthTimer?.unref();

  const users = (userId: string) => `/internal/users/${encodeURIComponent(userId)}/sessions`;
  const unexpected = (reply: Reply) => new AuthError(codeOf(reply.body) ?? 'internal');

  return {
    /** Creates a session; retried on another replica only if the first certainly never saw it. */
    async create(input: CreateSessionInput): Promise<Static<typeof createdSessionSchema>> {
      const reply = await call({
        key: input.userId,
        method: 'POST',
        path: '/internal/sessions',
        body: input,
        idempotent: false,
      });
      if (reply.status !== 201) throw unexpected(reply);
      return reply.body as Static<typeof createdSessionSchema>;
    },

    /**
     * The live session for a token (its idle expiry slid), or null. `fresh` reads past the
     * replica's near cache: for a caller that was just told the session changed.
     */
    async validate(token: string, { fresh = false }: { fresh?: boolean } = {}): Promise<SessionView | null> {
      const dot = token.indexOf('.');
      if (dot < 1) return null;
      const reply = await call({
        key: token.slice(0, dot),
        method: 'POST',
        path: '/internal/sessions/validate',
        body: fresh ? { token, fresh } : { token },
        idempotent: true,
      });
      if (reply.status === 401 || reply.status === 400) return null;
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof sessionReplySchema>).session;
    },

    /** The live session by id, or null, without sliding its activity. */
    async get(userId: string, sid: string): Promise<SessionView | null> {
      const reply = await call({
        key: userId,
        method: 'GET',
        path: `${users(userId)}/${encodeURIComponent(sid)}`,
        idempotent: true,
      });
      if (reply.status === 404 || reply.status === 400) return null;
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof sessionReplySchema>).session;
    },

    /**
     * The live session by id with its activity slid forward, or null: the revocation check for
     * access JWTs and refresh. Sliding is idempotent, so it is retried like a read.
     */
    async touch(userId: string, sid: string, { fresh = false }: { fresh?: boolean } = {}): Promise<SessionView | null> {
      const reply = await call({
        key: userId,
        method: 'POST',
        path: `${users(userId)}/${encodeURIComponent(sid)}/touch${fresh ? '?fresh=true' : ''}`,
        idempotent: true,
      });
      if (reply.status === 404 || reply.status === 400) return null;
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof sessionReplySchema>).session;
    },

    async list(userId: string): Promise<SessionView[]> {
      const reply = await call({ key: userId, method: 'GET', path: users(userId), idempotent: true });
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof sessionListSchema>).sessions;
    },

    /** Revokes one session; idempotent. Resolves once the revoke is replicated. */
    async revoke(userId: string, sid: string): Promise<void> {
      const reply = await call({
        key: userId,
        method: 'DELETE',
        path: `${users(userId)}/${encodeURIComponent(sid)}`,
        idempotent: true,
      });
      if (reply.status !== 204) throw unexpected(reply);
    },

    /** Revokes every session of the user; resolves with how many were live. */
    async revokeAll(userId: string): Promise<number> {
      const reply = await call({ key: userId, method: 'DELETE', path: users(userId), idempotent: true });
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof revokedCountSchema>).revoked;
    },

    /**
     * Erasure: revokes every session of the user and leaves no key of theirs behind once no edge
     * can hold a view from before (`purgedEpochTtlMs`); idempotent. Resolves with how many were live.
     */
    async purgeUser(userId: string): Promise<number> {
      const reply = await call({
        key: userId,
        method: 'DELETE',
        path: `/internal/users/${encodeURIComponent(userId)}`,
        idempotent: true,
      });
      if (reply.status !== 200) throw unexpected(reply);
      return (reply.body as Static<typeof revokedCountSchema>).revoked;
    },

    /** What the session store holds of the user, live or not. */
    async footprint(userId: string): Promise<Static<typeof sessionFootprintSchema>> {
      const reply = await call({
        key: userId,
        method: 'GET',
        path: `/internal/users/${encodeURIComponent(userId)}/footprint`,
        idempotent: true,
      });
      if (reply.status !== 200) throw unexpected(reply);
      return reply.body as Static<typeof sessionFootprintSchema>;
    },

    /**
     * Tells every edge that what it caches about the user is stale (their email or memberships
     * changed); idempotent. Resolves once the change is replicated.
     */
    async invalidateUser(userId: string): Promise<void> {
      const reply = await call({
        key: userId,
        method: 'POST',
        path: `/internal/users/${encodeURIComponent(userId)}/invalidate`,
        idempotent: true,
      });
      if (reply.status !== 204) throw unexpected(reply);
    },

    /** Changes the replica set; only the departing or arriving replicas' shares move. */
    setReplicas,
    /** The replica that currently serves a user: the first healthy one in its ranking. */
    replicaFor(userId: string): string | undefined {
      return rankReplicas(userId, replicas).find((replica) => !down.has(replica));
    },
    /** Runs the health checks now instead of waiting for the next interval. */
    checkHealth: probe,

    async close() {
      if (healthTimer) clearInterval(healthTimer);
      await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

export type SessionClient = ReturnType<typeof createSessionClient>;
