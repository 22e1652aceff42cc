import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { assertSafeDatabaseRole, UnsafeDatabaseRoleError } from '../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../src/testing/index.ts';

async function check(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await assertSafeDatabaseRole(pool);
  } finally {
    await pool.end();
  }
}

async function asAdmin(database: IdentityTestDatabase, sql: string) {
  const client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the start-up check of the database role', () => {
  let database: IdentityTestDatabase;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
  });
  after(() => database.drop());

  it('accepts the application role', async () => {
    await check(database.appUrl);
  });

  it('refuses a superuser', async () => {
    await assert.rejects(check(database.adminUrl), (error: UnsafeDatabaseRoleError) => {
      assert.ok(error instanceof UnsafeDatabaseRoleError);
      assert.match(error.message, /bypasses RLS/);
      return true;
    });
  });

  it('refuses the owner of the tables', async () => {
    await assert.rejects(check(database.ownerUrl), /owns table "projects"/);
  });

  it('refuses a role with BYPASSRLS', async () => {
    await asAdmin(
      database,
      `DO $$ BEGIN CREATE ROLE authscale_test_bypass LOGIN BYPASSRLS;
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
    await assert.rejects(check(database.appUrl.replace('authscale_app', 'authscale_test_bypass')), /bypasses RLS/);
  });

  it('refuses a role that can SET ROLE to the owner', async () => {
    await asAdmin(
      database,
      `DO $$ BEGIN CREATE ROLE authscale_test_member LOGIN NOINHERIT;
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
       GRANT authscale_owner TO authscale_test_member`,
    );
    await assert.rejects(check(database.appUrl.replace('authscale_app', 'authscale_test_member')), /owns table/);
  });

  it('refuses a tenant-scoped table without FORCE ROW LEVEL SECURITY', async () => {
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    try {
      await owner.query('ALTER TABLE projects NO FORCE ROW LEVEL SECURITY');
      await assert.rejects(check(database.appUrl), /"projects" does not have FORCE ROW LEVEL SECURITY/);
    } finally {
      await owner.query('ALTER TABLE projects FORCE ROW LEVEL SECURITY');
      await owner.end();
    }
  });

  it('refuses a database the migrations have not run on', async () => {
    const empty = `identity_test_empty_${process.pid}`;
    await asAdmin(database, `CREATE DATABASE ${empty}`);
    try {
      await assert.rejects(check(database.appUrl.replace(database.database, empty)), /run the identity migrations/);
    } finally {
      await asAdmin(database, `DROP DATABASE ${empty}`);
    }
  });
});
