import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { run, sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { assertSafeDatabaseRole, identityRoles, provisionIdentityDatabase } from '../src/index.ts';

const root = new URL('../../../', import.meta.url).pathname;

describe('the migrate command', () => {
  let serverUrl: string;
  const database = `identity_test_migrate_${randomBytes(4).toString('hex')}`;
  const urlAs = (role: string) => {
    const url = new URL(serverUrl);
    url.username = role;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const migrate = () =>
    run(process.execPath, ['--import', 'tsx', 'services/identity/src/migrate-main.ts'], {
      cwd: root,
      env: { ...process.env, MIGRATION_DATABASE_URL: urlAs(identityRoles.owner) },
    });

  before(async () => {
    serverUrl = (await sharedServers()).postgres.url;
    await provisionIdentityDatabase({ adminUrl: serverUrl, database });
  });

  after(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('applies the schema once, then finds it up to date', async () => {
    assert.match(await migrate(), /applied: 1763900000000_identity-schema/);
    assert.match(await migrate(), /identity schema is up to date/);
    const pool = new pg.Pool({ connectionString: urlAs(identityRoles.app), max: 1 });
    try {
      await assertSafeDatabaseRole(pool);
    } finally {
      await pool.end();
    }
  });
});
