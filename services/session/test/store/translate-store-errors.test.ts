import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AuthError } from '@authscale/core';
import { freePort, rejectionOf, sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createClient } from 'redis';
import { createMemoryStore } from '../../src/memory/create-memory-store.ts';
import { translateStoreErrors } from '../../src/store/translate-store-errors.ts';

async function pgFailure(config: pg.PoolConfig, sql: string) {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  try {
    return await rejectionOf(pool.query(sql));
  } finally {
    await pool.end().catch(() => {});
  }
}

it('answers a backend failure with the code every service gives it', async () => {
  const servers = await sharedServers();
  // The same Postgres statement timeout that identity answers 504.
  const statementTimeout = await pgFailure(
    { connectionString: servers.postgres.url, statement_timeout: 50 },
    'SELECT pg_sleep(2)',
  );
  const refused = await pgFailure({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` }, 'SELECT 1');
  const redis = createClient({ url: servers.redis.url });
  await redis.connect();
  redis.destroy();
  const closedClient = await rejectionOf(redis.get('any'));
  const bug = new TypeError('a bug in a backend');
  const refusal = new AuthError('dependency_unavailable', 'The session could not be replicated.');

  const failing = (error: unknown) => () => Promise.reject(error);
  const store = translateStoreErrors({
    ...createMemoryStore(),
    get: failing(statementTimeout),
    listForUser: failing(refused),
    touch: failing(closedClient),
    ping: failing(bug),
    revoke: failing(refusal),
  });

  const codeOf = async (work: Promise<unknown>) => {
    const error = await rejectionOf(work);
    assert.ok(error instanceof AuthError);
    return error.code;
  };
  assert.equal(await codeOf(store.get('u', 's')), 'dependency_timeout');
  assert.equal(await codeOf(store.listForUser('u')), 'dependency_unavailable');
  assert.equal(await codeOf(store.touch('u', 's', { lastSeenAt: 1, idleExpiresAt: 2 })), 'dependency_unavailable');
  assert.equal(await codeOf(store.ping()), 'internal');
  assert.equal(await rejectionOf(store.revoke('u', 's')), refusal);
  await store.close();
});
