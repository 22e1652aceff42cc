import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { inTransaction } from '../../src/postgres/in-transaction.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';

describe('inTransaction settings', () => {
  let database: IdentityTestDatabase;
  // One connection, so what a transaction leaves behind is seen by the next query.
  let pool: pg.Pool;
  const tenantId = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const settingsNow = async () =>
    (await pool.query(`SELECT current_setting('app.tenant_id', true) AS t, current_setting('app.note', true) AS n`))
      .rows[0];

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    pool = new pg.Pool({ connectionString: database.appUrl, max: 1 });
  });

  after(async () => {
    await pool.end();
    await database.drop();
  });

  it('are set inside the transaction, as given, and gone after COMMIT', async () => {
    const note = `it's a \\ "quoted" '); SELECT 1; --`;
    const inside = await inTransaction(
      { pool, settings: { 'app.tenant_id': tenantId, 'app.note': note } },
      async (c) => {
        const { rows } = await c.query(
          `SELECT current_setting('app.tenant_id') AS t, current_setting('app.note') AS n`,
        );
        return rows[0];
      },
    );
    assert.deepEqual(inside, { t: tenantId, n: note });
    assert.deepEqual(await settingsNow(), { t: '', n: '' });
  });

  it('are gone after a ROLLBACK too', async () => {
    await assert.rejects(
      inTransaction({ pool, settings: { 'app.tenant_id': tenantId } }, async () => {
        throw new Error('boom');
      }),
    );
    assert.deepEqual(await settingsNow(), { t: '', n: '' });
  });
});
