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
  /** The admin API's role; without one it cannot sign in with a password. */
  operatorPassword?: string;
  /**
   * Also set those passwords on roles that already exist, to repair credentials that went out of
   * step with their secrets. Off by default: after creation, rotation owns the passwords.
   * @default false
   */
  resetPasswords?: boolean;
}

/**
 * Creates the owner, application, event-dispatcher and operator roles when missing, makes the operator
 * a member of the application role, and creates a database owned by the owner role.
 * Run with administrator rights before the migrations (in AWS by the data stack at every deploy
 * that changes it); idempotent. The services themselves never hold those rights.
 */
export async function provisionIdentityDatabase({
  adminUrl,
  database,
  ownerPassword,
  appPassword,
  eventsPassword,
  operatorPassword,
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
    await ensureRole(client, {
      role: identityRoles.operator,
      resetPassword,
      ...(operatorPassword ? { password: operatorPassword } : {}),
    });
    await grantAppRoleToOperator(client);
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

/**
 * The operator inherits the application role's grants and policies (the admin API runs the same
 * identity code); granting it again is harmless. Needs the administrator's rights over both roles.
 */
export async function grantAppRoleToOperator(client: pg.ClientBase): Promise<void> {
  await client.query(
    `GRANT ${client.escapeIdentifier(identityRoles.app)} TO ${client.escapeIdentifier(identityRoles.operator)}`,
  );
}
