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
  /** The passwords of the roles this creates (local trust authentication needs none). */
  ownerPassword?: string;
  appPassword?: string;
  /** The event dispatcher's role; without one it cannot sign in with a password. */
  eventsPassword?: string;
  /**
   * Also set those passwords on roles that already exist, to repair credentials that went out of
   * step with their secrets. Off by default: after creation, rotation owns the passwords.
   * @default false
   */
  resetPasswords?: boolean;
}

/**
 * Creates the owner, application and event-dispatcher roles when missing and a database owned by the owner role.
 * Run with administrator rights before the migrations (in AWS by the data stack at every deploy
 * that changes it); idempotent. The services themselves never hold those rights.
 */
export async function provisionIdentityDatabase({
  adminUrl,
  database,
  ownerPassword,
  appPassword,
  eventsPassword,
  resetPasswords = false,
}: ProvisionIdentityDatabaseOptions): Promise<void> {
  const client = new pg.Client(adminUrl ? { connectionString: adminUrl } : {});
  await client.connect();
  try {
    const resetPassword = resetPasswords;
    await ensureRole(client, {
      role: identityRoles.owner,
      resetPassword,
      ...(ownerPassword ? { password: ownerPassword } : {}),
    });
    await ensureRole(client, {
      role: identityRoles.app,
      resetPassword,
      ...(appPassword ? { password: appPassword } : {}),
    });
    await ensureRole(client, {
      role: identityRoles.events,
      resetPassword,
      ...(eventsPassword ? { password: eventsPassword } : {}),
    });
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
