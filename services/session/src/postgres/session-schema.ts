import type { Pool } from 'pg';

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name is interpolated into SQL, so only plain lower-case identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!identifierPattern.test(schema)) {
    throw new TypeError(`postgres session store: schema "${schema}" must match ${identifierPattern}`);
  }
  return schema;
}

/**
 * Idempotent DDL owned by the session package; replicas starting together serialise on an
 * advisory lock. Times are epoch milliseconds, like every other backend's.
 */
export async function ensureSessionSchema(pool: Pool, schema: string): Promise<void> {
  assertSchemaName(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('authscale.session.schema'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${schema}.sessions (
        sid text PRIMARY KEY,
        user_id text NOT NULL,
        tenant_id text NOT NULL,
        created_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        idle_expires_at bigint NOT NULL,
        absolute_expires_at bigint NOT NULL,
        ip text,
        user_agent text,
        amr text[] NOT NULL,
        acr text NOT NULL,
        auth_time bigint NOT NULL,
        CHECK (idle_expires_at <= absolute_expires_at)
      )`);
    await client.query(`CREATE INDEX IF NOT EXISTS sessions_user_id ON ${schema}.sessions (user_id)`);
    await client.query(`CREATE INDEX IF NOT EXISTS sessions_idle_expires_at ON ${schema}.sessions (idle_expires_at)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
