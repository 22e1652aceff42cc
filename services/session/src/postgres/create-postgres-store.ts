import pg from 'pg';
import type { SessionRecord } from '../store/session-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import { assertSchemaName, ensureSessionSchema } from './session-schema.ts';

export interface CreatePostgresStoreOptions {
  connectionString: string;
  /** @default 'authscale_session' */
  schema?: string;
  /** @default 10 */
  poolSize?: number;
  /** How often expired sessions are deleted; 0 turns the cleanup job off. @default 60000 */
  cleanupIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

interface SessionRow {
  sid: string;
  user_id: string;
  tenant_id: string;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  ip: string | null;
  user_agent: string | null;
  amr: string[];
  acr: string;
  auth_time: string;
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    sid: row.sid,
    userId: row.user_id,
    tenantId: row.tenant_id,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    idleExpiresAt: Number(row.idle_expires_at),
    absoluteExpiresAt: Number(row.absolute_expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
    amr: row.amr,
    acr: row.acr,
    authTime: Number(row.auth_time),
  };
}

/**
 * The `postgres` backend (1k-10k users): one table in the session package's own schema, with a
 * cleanup job that deletes expired rows. A commit is durable, so no extra confirmation is needed.
 */
export async function createPostgresStore({
  connectionString,
  schema = 'authscale_session',
  poolSize = 10,
  cleanupIntervalMs = 60_000,
  now = Date.now,
}: CreatePostgresStoreOptions): Promise<SessionStore & { deleteExpired(): Promise<number> }> {
  const table = `${assertSchemaName(schema)}.sessions`;
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next
  // query reports it.
  pool.on('error', () => {});
  await ensureSessionSchema(pool, schema);
  const liveAt = (param: string) => `idle_expires_at > ${param} AND absolute_expires_at > ${param}`;

  const deleteExpired = async () =>
    (await pool.query(`DELETE FROM ${table} WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1`, [now()]))
      .rowCount ?? 0;
  const cleanup =
    cleanupIntervalMs > 0 ? setInterval(() => void deleteExpired().catch(() => {}), cleanupIntervalMs) : null;
  cleanup?.unref();

  async function revokeAll(userId: string): Promise<number> {
    // Exclusive per-user lock, then the DELETE: its snapshot, taken after the lock, includes
    // every create that was in flight, so none of them survives once this returns.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [userId]);
      const { rows } = await client.query<{ live: boolean }>(
        `DELETE FROM ${table} WHERE user_id = $1 RETURNING (${liveAt('$2')}) AS live`,
        [userId, now()],
      );
      await client.query('COMMIT');
      return rows.filter((row) => row.live).length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    backend: 'postgres',
    deleteExpired,
    async create(r) {
      // The shared per-user lock makes a concurrent revoke-all wait for this insert to commit.
      await pool.query(
        `WITH user_lock AS (SELECT pg_advisory_xact_lock_shared(hashtext($2)))
         INSERT INTO ${table} (sid, user_id, tenant_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at,
           ip, user_agent, amr, acr, auth_time)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM user_lock`,
        [
          r.sid,
          r.userId,
          r.tenantId,
          r.createdAt,
          r.lastSeenAt,
          r.idleExpiresAt,
          r.absoluteExpiresAt,
          r.ip,
          r.userAgent,
          r.amr,
          r.acr,
          r.authTime,
        ],
      );
    },
    async get(userId, sid) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT * FROM ${table} WHERE user_id = $1 AND sid = $2 AND ${liveAt('$3')}`,
        [userId, sid, now()],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async touch(userId, sid, { lastSeenAt, idleExpiresAt }) {
      const { rowCount } = await pool.query(
        `UPDATE ${table} SET last_seen_at = $4, idle_expires_at = LEAST($5, absolute_expires_at)
          WHERE user_id = $1 AND sid = $2 AND ${liveAt('$3')}`,
        [userId, sid, now(), lastSeenAt, idleExpiresAt],
      );
      return rowCount === 1;
    },
    async revoke(userId, sid) {
      const { rows } = await pool.query<{ live: boolean }>(
        `DELETE FROM ${table} WHERE user_id = $1 AND sid = $2 RETURNING (${liveAt('$3')}) AS live`,
        [userId, sid, now()],
      );
      return rows[0]?.live === true;
    },
    revokeAll,
    // No edge near-caches this backend, so there is no epoch: revoking everything leaves nothing.
    purgeUser: revokeAll,
    async footprint(userId) {
      const { rows } = await pool.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${table} WHERE user_id = $1`,
        [userId],
      );
      return { sessions: rows[0]?.count ?? 0, epochExpiresInMs: null };
    },
    async listForUser(userId) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT * FROM ${table} WHERE user_id = $1 AND ${liveAt('$2')} ORDER BY created_at DESC`,
        [userId, now()],
      );
      return rows.map(toRecord);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (cleanup) clearInterval(cleanup);
      await pool.end();
    },
  };
}
