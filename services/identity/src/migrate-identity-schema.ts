import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { ensureRole } from './postgres/ensure-role.ts';
import { identityRoles } from './roles.ts';

export interface MigrateIdentitySchemaOptions {
  /**
   * A connection as the role that owns the tables (`authscale_owner` locally, the cluster's
   * admin user in AWS), never the application role. Unset, node-postgres reads the PG* variables.
   */
  databaseUrl?: string;
  /**
   * Also create the application role when missing (needs CREATEROLE), with this password if given,
   * and the event dispatcher's role, without one; existing roles are left as they are.
   */
  ensureAppRole?: { password?: string };
  /** @default 'up' */
  direction?: 'up' | 'down';
  /** Where progress lines go. @default silent */
  log?: (message: string) => void;
}

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the identity migrations under an advisory lock, all in one transaction. */
export async function migrateIdentitySchema({
  databaseUrl,
  ensureAppRole,
  direction = 'up',
  log = () => {},
}: MigrateIdentitySchemaOptions): Promise<string[]> {
  const client = new pg.Client(databaseUrl ? { connectionString: databaseUrl } : {});
  await client.connect();
  try {
    // The migrations grant to these roles, so they must exist first.
    if (ensureAppRole) {
      await ensureRole(client, { role: identityRoles.app, ...ensureAppRole });
      await ensureRole(client, { role: identityRoles.events });
    }
    return await runMigrations(client, direction, log);
  } finally {
    await client.end();
  }
}

async function runMigrations(client: pg.Client, direction: 'up' | 'down', log: (message: string) => void) {
  const applied = await runner({
    dbClient: client,
    dir: migrationsDir,
    direction,
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    ...(direction === 'down' ? { count: Number.POSITIVE_INFINITY } : {}),
    log,
  });
  return applied.map((migration) => migration.name);
}
