/**
 * `npm run migrate -w @authscale/identity`: applies the identity migrations, as a one-off task
 * before a deployment's services start. Connects as the tables' owner through
 * `MIGRATION_DATABASE_URL` or the standard PG* variables; with `APP_ROLE_PASSWORD` it also
 * creates the application role, with that password, when it is missing.
 */
import { loadMigrationConfig } from './command-config.ts';
import { migrateIdentitySchema } from './migrate-identity-schema.ts';

const { MIGRATION_DATABASE_URL: databaseUrl, APP_ROLE_PASSWORD: password } = loadMigrationConfig(process.env);
const applied = await migrateIdentitySchema({
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(password ? { ensureAppRole: { password } } : {}),
});
console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'identity schema is up to date');
