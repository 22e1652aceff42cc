import pg from 'pg';
import { ensureRole } from './postgres/ensure-role.ts';
import { identityRoles } from './roles.ts';

export interface ProvisionIdentityDatabaseOptions {
  /**
   * A connection with CREATEROLE and CREATEDB (the RDS master user, or a local superuser).
   * @default the standard PG* environment variables
   */
  adminUrl?: string;
  database: string;
  /** Set as the roles' passwords when given (local trust authentication needs none). */
  ownerPassword?: string;
  appPassword?: string;
}

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
  const client = new pg.Client(adminUrl ? { connectionString: adminUrl } : {});
  await client.connect();
  try {
    await ensureRole(client, { role: identityRoles.owner, ...(ownerPassword ? { password: ownerPassword } : {}) });
    await ensureRole(client, { role: identityRoles.app, ...(appPassword ? { password: appPassword } : {}) });
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
