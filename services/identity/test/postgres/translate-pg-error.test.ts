import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { classifyNetworkFailure } from '@authscale/core';
import { freePort, type RawServer, rejectionOf, sharedServers, startRawServer } from '@authscale/testkit';
import pg from 'pg';
import { translatePgError } from '../../src/postgres/translate-pg-error.ts';

/** One query through a fresh pool, which is ended afterwards. */
async function queryFailure(config: pg.PoolConfig, sql: string) {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  try {
    return await rejectionOf(pool.query(sql));
  } finally {
    await pool.end().catch(() => {});
  }
}

/** The class core gives the error and the code identity answers with: they must agree everywhere. */
const translated = (error: unknown) => ({ failure: classifyNetworkFailure(error), code: translatePgError(error).code });

describe('translatePgError over real pg errors', () => {
  let url: string;
  /** Accepts connections and never answers the start-up message. */
  let silent: RawServer;

  before(async () => {
    ({ url } = (await sharedServers()).postgres);
    silent = await startRawServer(() => {});
  });
  after(() => silent.close());

  it('a database nobody listens for: not sent, dependency_unavailable', async () => {
    const error = await queryFailure({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` }, 'SELECT 1');
    assert.deepEqual(translated(error), { failure: 'not-sent', code: 'dependency_unavailable' });
  });

  it('a connection that is not made in time: not sent, dependency_unavailable', async () => {
    const error = await queryFailure(
      { connectionString: `postgres://x@127.0.0.1:${silent.port}/x`, connectionTimeoutMillis: 100 },
      'SELECT 1',
    );
    assert.equal((error as Error).message, 'Connection terminated due to connection timeout');
    assert.deepEqual(translated(error), { failure: 'not-sent', code: 'dependency_unavailable' });
  });

  it('no pooled connection free in time: not sent, dependency_unavailable', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      const error = await rejectionOf(pool.query('SELECT 1'));
      assert.equal((error as Error).message, 'timeout exceeded when trying to connect');
      assert.deepEqual(translated(error), { failure: 'not-sent', code: 'dependency_unavailable' });
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('statement_timeout and query_timeout: timeout, dependency_timeout', async () => {
    const statement = await queryFailure({ connectionString: url, statement_timeout: 50 }, 'SELECT pg_sleep(2)');
    assert.equal((statement as { code?: string }).code, '57014');
    assert.deepEqual(translated(statement), { failure: 'timeout', code: 'dependency_timeout' });
    const read = await queryFailure({ connectionString: url, query_timeout: 50 }, 'SELECT pg_sleep(2)');
    assert.equal((read as Error).message, 'Query read timeout');
    assert.deepEqual(translated(read), { failure: 'timeout', code: 'dependency_timeout' });
  });

  it('a session the server ends (a failover, a restart): unavailable, then the next query is not sent', async () => {
    const victim = new pg.Client(url);
    victim.on('error', () => {});
    const closed = new Promise((resolve) => victim.once('end', resolve));
    const admin = new pg.Client(url);
    await Promise.all([victim.connect(), admin.connect()]);
    try {
      const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const running = rejectionOf(victim.query('SELECT pg_sleep(5)'));
      // Once the sleep is running, so the error is the statement's.
      for (let terminated = false; !terminated; ) {
        const { rows } = await admin.query(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`,
          [pid],
        );
        terminated = rows[0]?.done === true;
      }
      const ended = await running;
      assert.equal((ended as { code?: string }).code, '57P01');
      assert.deepEqual(translated(ended), { failure: 'unavailable', code: 'dependency_unavailable' });
      // Once the client has seen its connection close, it refuses the next query without sending it.
      await closed;
      const afterwards = await rejectionOf(victim.query('SELECT 1'));
      assert.deepEqual(translated(afterwards), { failure: 'not-sent', code: 'dependency_unavailable' });
    } finally {
      await Promise.all([victim.end().catch(() => {}), admin.end()]);
    }
  });

  it('a lock wait cut by lock_timeout: timeout; a write on a read-only node, a deadlock: unavailable', async () => {
    const [holder, waiter] = [new pg.Client(url), new pg.Client(url)];
    await Promise.all([holder.connect(), waiter.connect()]);
    try {
      const table = `translate_locks_${process.pid}`;
      await holder.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
      await holder.query(`INSERT INTO ${table} VALUES (1), (2)`);
      try {
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${table}`);
        await waiter.query("SET lock_timeout = '50ms'");
        const lockWait = await rejectionOf(waiter.query(`SELECT * FROM ${table}`));
        assert.equal((lockWait as { code?: string }).code, '55P03');
        assert.deepEqual(translated(lockWait), { failure: 'timeout', code: 'dependency_timeout' });
        await holder.query('ROLLBACK');
        await waiter.query('RESET lock_timeout');

        // After a failover the old writer answers as a reader: its writes are refused.
        await waiter.query('BEGIN READ ONLY');
        const readOnly = await rejectionOf(waiter.query(`INSERT INTO ${table} VALUES (3)`));
        await waiter.query('ROLLBACK');
        assert.equal((readOnly as { code?: string }).code, '25006');
        assert.deepEqual(translated(readOnly), { failure: 'unavailable', code: 'dependency_unavailable' });

        // Each holds one row and wants the other's: Postgres rolls one of them back.
        await Promise.all([holder.query('BEGIN'), waiter.query('BEGIN')]);
        await holder.query(`UPDATE ${table} SET id = id WHERE id = 1`);
        await waiter.query(`UPDATE ${table} SET id = id WHERE id = 2`);
        const outcomes = await Promise.allSettled([
          holder.query(`UPDATE ${table} SET id = id WHERE id = 2`),
          waiter.query(`UPDATE ${table} SET id = id WHERE id = 1`),
        ]);
        await Promise.all([holder.query('ROLLBACK'), waiter.query('ROLLBACK')]);
        const victim = outcomes.find((outcome) => outcome.status === 'rejected')?.reason;
        assert.equal((victim as { code?: string }).code, '40P01');
        assert.deepEqual(translated(victim), { failure: 'unavailable', code: 'dependency_unavailable' });
      } finally {
        await holder.query(`DROP TABLE IF EXISTS ${table}`);
      }
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });

  it("statements the database refuses are the caller's or ours, not a dependency failure", async () => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query('CREATE TEMP TABLE translate_pg_error (id int PRIMARY KEY, n int CHECK (n > 0))');
      await client.query('INSERT INTO translate_pg_error VALUES (1, 1)');
      const duplicate = await rejectionOf(client.query('INSERT INTO translate_pg_error VALUES (1, 1)'));
      assert.deepEqual(translated(duplicate), { failure: undefined, code: 'conflict' });
      const refused = await rejectionOf(client.query('INSERT INTO translate_pg_error VALUES (2, -1)'));
      assert.deepEqual(translated(refused), { failure: undefined, code: 'invalid_request' });
      const badInput = await rejectionOf(client.query('SELECT 1 / 0'));
      assert.deepEqual(translated(badInput), { failure: undefined, code: 'invalid_request' });
      const bug = await rejectionOf(client.query('SELEC 1'));
      assert.deepEqual(translated(bug), { failure: undefined, code: 'internal' });
    } finally {
      await client.end();
    }
  });
});
