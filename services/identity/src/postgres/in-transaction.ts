import type { Pool, PoolClient } from 'pg';
import { translatePgError } from './translate-pg-error.ts';

export interface InTransactionOptions {
  pool: Pool;
  /** Transaction-local settings (`set_config(name, value, true)`), gone at COMMIT or ROLLBACK. */
  settings?: Record<string, string>;
}

/** Runs `work` in one transaction on one connection; any failure rolls back and is translated. */
export async function inTransaction<T>(
  { pool, settings = {} }: InTransactionOptions,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translatePgError(error);
  }
  let broken: Error | undefined;
  try {
    // BEGIN and the settings go as one simple-protocol message: one round trip, not one per
    // statement. Postgres runs them in order, so each setting is made inside the transaction and
    // ends with it. That protocol takes no parameters, hence the quoted literals.
    const set = Object.entries(settings).map(
      ([name, value]) => `SELECT set_config(${client.escapeLiteral(name)}, ${client.escapeLiteral(value)}, true)`,
    );
    await client.query(['BEGIN', ...set].join('; '));
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw translatePgError(error);
  } finally {
    // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}
