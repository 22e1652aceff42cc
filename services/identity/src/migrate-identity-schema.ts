import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { ensureRole } from './postgres/ensure-role.ts';
import { grantAppRoleToOperator } from './provision-database.ts';
import { identityRoles } from './roles.ts';

export interface MigrateIdentitySchemaOptions {
  /**
   * A connection as the role that owns the tables (`authscale_owner` locally, the cluster's
   * admin user in AWS), never the application role. Unset, node-postgres reads the PG* variables.
   */
  databaseUrl?: string;
  /**
   * Also create the application role when missing (needs CREATEROLE), with this password if given,
   * and the event dispatcher's and operator's roles, without one; existing roles are left as they are.
   */
  ensureAppRole?: { password?: string };
  /** @default 'up' */
  direction?: 'up' | 'down';
  /**
   * Going down, the oldest migration to undo: it and every one applied after it are undone, newest
   * first. Unset, all of them are.
   */
  downThrough?: string;
  /** Where progress lines go. @default silent */
  log?: (message: string) => void;
}

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the identity migrations under an advisory lock, all in one transaction. */
export async function migrateIdentitySchema({
  databaseUrl,
  ensureAppRole,
  direction = 'up',
  downThrough,
  log = () => {},
}: MigrateIdentitySchemaOptions): Promise<string[]> {
  const client = new pg.Client(databaseUrl ? { connectionString: databaseUrl } : {});
  await client.connect();
  try {
    // The migrations grant to these roles, so they must exist first.
    if (ensureAppRole) {
      await ensureRole(client, { role: identityRoles.app, ...ensureAppRole });
      await ensureRole(client, { role: identityRoles.events });
      await ensureRole(client, { role: identityRoles.operator });
      await grantAppRoleToOperator(client);
    }
    const count = direction === 'up' ? undefined : await appliedSince(client, downThrough);
    return await runMigrations(client, direction, count, log);
  } finally {
    await client.end();
  }
}

/** How many applied migrations `name` and the ones after it are; every applied one without a name. */
async function appliedSince(client: pg.Client, name: string | undefined): Promise<number> {
  if (name === undefined) return Number.POSITIVE_INFINITY;
  const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM pgmigrations WHERE name >= $1', [name]);
  return Number(rows[0]?.count ?? 0);
}

async function runMigrations(
  client: pg.Client,
  direction: 'up' | 'down',
  count: number | undefined,
  log: (message: string) => void,
) {
  const applied = await runner({
    dbClient: client,
    dir: migrationsDir,
    direction,
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    ...(count === undefined ? {} : { count }),
    log,
  });
  return applied.map((migration) => migration.name);
}
