import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type PostgresServer, startPostgres } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type DatabaseTarget } from '../src/index.ts';
import { identityRoles } from '../src/roles.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../src/testing/index.ts';

/**
 * The `password` option, as the orchestrator fills it with RDS IAM authentication tokens in AWS. A
 * Postgres that asks the app role for its password stands in for the proxy, and the provider hands
 * out that password: what matters here is that each new connection asks for one, for where it connects.
 */
describe('createIdentity with a password provider', () => {
  let server: PostgresServer;
  let database: IdentityTestDatabase;
  const password = randomBytes(16).toString('hex');

  before(async () => {
    server = await startPostgres();
    database = await createIdentityTestDatabase(server.url);
    // A server of this file's own: the app role now needs its password over TCP, everyone else is trusted.
    const hba = join(server.dataDir, 'pg_hba.conf');
    writeFileSync(hba, `host all ${identityRoles.app} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`ALTER ROLE ${identityRoles.app} PASSWORD '${password}'`);
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
  });
  after(async () => {
    await database?.drop();
    await server?.stop();
  });

  /** As the AWS deployment connects: PG* variables (this file runs in a process of its own), no URL. */
  const withPgVariables = async (work: () => Promise<void>) => {
    const names = ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE'] as const;
    const saved = names.map((name) => process.env[name]);
    Object.assign(process.env, {
      PGHOST: '127.0.0.1',
      PGPORT: String(server.port),
      PGUSER: identityRoles.app,
      PGDATABASE: database.database,
    });
    try {
      await work();
    } finally {
      names.forEach((name, index) => {
        if (saved[index] === undefined) delete process.env[name];
        else process.env[name] = saved[index];
      });
    }
  };

  it('asks the provider on each new connection, for its host, port and user, and connects with the answer', () =>
    withPgVariables(async () => {
      const asked: DatabaseTarget[] = [];
      const identity = createIdentity({
        maxConnections: 2,
        password: async (target) => {
          asked.push(target);
          return password;
        },
      });
      try {
        // Two queries at once need two connections, and so two passwords.
        await Promise.all([identity.ping(), identity.ping()]);
        await identity.assertSafeDatabaseRole();
      } finally {
        await identity.close();
      }
      assert.equal(asked.length, 2);
      for (const target of asked) {
        assert.deepEqual(
          { host: target.host, port: target.port, user: target.user },
          { host: '127.0.0.1', port: server.port, user: identityRoles.app },
        );
      }
    }));

  it('fails to connect when the provider answers a wrong password', () =>
    withPgVariables(async () => {
      const identity = createIdentity({ password: async () => 'not-the-password' });
      try {
        await assert.rejects(identity.ping(), (error: Error) =>
          /password authentication failed/.test(String((error.cause as Error)?.message)),
        );
      } finally {
        await identity.close();
      }
    }));

  it('refuses a provider beside a databaseUrl, whose empty password node-postgres would send instead', () => {
    assert.throws(() => createIdentity({ databaseUrl: database.appUrl, password: async () => password }), TypeError);
  });
});
