import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { run, sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { identityRoles } from '../src/index.ts';

const root = new URL('../../../', import.meta.url).pathname;

describe('the provision command', () => {
  let adminUrl: string;
  const database = `identity_test_provision_${randomBytes(4).toString('hex')}`;
  const provision = (env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', 'services/identity/src/provision-main.ts'], {
      cwd: root,
      env: { ...process.env, ADMIN_DATABASE_URL: adminUrl, IDENTITY_DATABASE: database, ...env },
    });
  const passwords = {
    OWNER_ROLE_PASSWORD: randomBytes(12).toString('hex'),
    APP_ROLE_PASSWORD: randomBytes(12).toString('hex'),
  };

  before(async () => {
    adminUrl = (await sharedServers()).postgres.url;
  });
  after(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('refuses to run without both role passwords', async () => {
    await assert.rejects(provision({ OWNER_ROLE_PASSWORD: '', APP_ROLE_PASSWORD: '' }), /OWNER_ROLE_PASSWORD/);
  });

  it('creates the roles and a database the owner role owns, and can run again', async () => {
    assert.match(await provision(passwords), new RegExp(`provisioned: .* database ${database}`));
    assert.match(await provision(passwords), /provisioned/);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ owner: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
        [database],
      );
      assert.deepEqual(rows, [{ owner: identityRoles.owner }]);
      const app = await admin.query<{ rolbypassrls: boolean; rolsuper: boolean }>(
        'SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = $1',
        [identityRoles.app],
      );
      assert.deepEqual(app.rows, [{ rolbypassrls: false, rolsuper: false }]);
    } finally {
      await admin.end();
    }
  });

  it('leaves the passwords of existing roles alone unless RESET_ROLE_PASSWORDS=true', async () => {
    // The verifiers PostgreSQL keeps (salted, so a password set again reads differently).
    const verifiers = async () => {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ rolname: string; rolpassword: string | null }>(
          'SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname',
          [[identityRoles.owner, identityRoles.app]],
        );
        return rows;
      } finally {
        await admin.end();
      }
    };
    await provision(passwords);
    const before = await verifiers();
    const rotated = {
      OWNER_ROLE_PASSWORD: randomBytes(12).toString('hex'),
      APP_ROLE_PASSWORD: randomBytes(12).toString('hex'),
    };
    await provision(rotated);
    assert.deepEqual(await verifiers(), before, 'a second run must not undo a rotation');
    await provision({ ...rotated, RESET_ROLE_PASSWORDS: 'true' });
    const after = await verifiers();
    for (const [index, role] of after.entries()) {
      assert.notEqual(role.rolpassword, before[index]?.rolpassword, `${role.rolname} keeps its old password`);
    }
  });
});
