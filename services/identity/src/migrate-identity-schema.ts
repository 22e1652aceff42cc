import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export interface MigrateIdentitySchemaOptions {
  /** A connection as the owner role (`authscale_owner`), never the application role. */
  databaseUrl: string;
  /** @default 'up' */
  direction?: 'up' | 'down';
  /** Where progress lines go. @default silent */
  log?: (message: string) => void;
}

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the identity migrations under an advisory lock, all in one transaction. */
export async function migrateIdentitySchema({
  databaseUrl,
  direction = 'up',
  log = () => {},
}: MigrateIdentitySchemaOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
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
