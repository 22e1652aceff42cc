import pg from 'pg';
import { identityRoles } from './roles.ts';

export interface ProvisionIdentityDatabaseOptions {
  /** A connection with CREATEROLE and CREATEDB (the RDS master user, or a local superuser). */
  adminUrl: string;
  database: string;
  /** Set as the roles' passwords when given (local trust authentication needs none). */
  ownerPassword?: string;
  appPassword?: string;
}

const roleAttributes = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';

/**
 * Creates the owner and application roles when missing and a database owned by the owner role.
 * A one-off provisioning step, run with administrator rights before the first migration; the
 * services themselves never hold those rights.
 */
export async function provisionIdentityDatabase({
  adminUrl,
  database,
  ownerPassword,
  appPassword,
}: ProvisionIdentityDatabaseOptions): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const [role, password] of [
      [identityRoles.owner, ownerPassword],
      [identityRoles.app, appPassword],
    ] as const) {
      const name = client.escapeIdentifier(role);
      // Roles are cluster-wide and several databases may be provisioned at once: tolerate the race.
      await client.query(`DO $$ BEGIN CREATE ROLE ${name} ${roleAttributes};
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      await client.query(`ALTER ROLE ${name} ${roleAttributes}`);
      if (password) await client.query(`ALTER ROLE ${name} PASSWORD ${client.escapeLiteral(password)}`);
    }
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(
        `CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${client.escapeIdentifier(identityRoles.owner)}`,
      );
    }
  } finally {
    await client.end();
  }
}
