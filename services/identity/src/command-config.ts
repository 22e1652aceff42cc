import { loadConfig } from '@authscale/core';
import { Type } from 'typebox';

/** A connection string; unset, node-postgres reads the standard PGHOST/PGUSER/PGPASSWORD/... variables. */
const databaseUrl = Type.Optional(Type.String({ minLength: 1 }));
const rolePassword = Type.String({ minLength: 1 });

export const provisionConfigSchema = Type.Object({
  /** An administrator: the RDS master user, or a local superuser. */
  ADMIN_DATABASE_URL: databaseUrl,
  IDENTITY_DATABASE: Type.String({ default: 'authscale', minLength: 1 }),
  /** The owner role's password (the owner secret). */
  OWNER_ROLE_PASSWORD: rolePassword,
  /** The application role's password (the app secret). */
  APP_ROLE_PASSWORD: rolePassword,
  /**
   * The event dispatcher's role's password. Unset, the role is created without one and cannot sign
   * in with a password until it gets one.
   */
  EVENTS_ROLE_PASSWORD: Type.Optional(rolePassword),
  /** The admin API's role's password; unset as for the dispatcher's. */
  OPERATOR_ROLE_PASSWORD: Type.Optional(rolePassword),
  /** Set the passwords on roles that already exist too (a repair; rotation owns them after creation). */
  RESET_ROLE_PASSWORDS: Type.Boolean({ default: false }),
});

export const migrationConfigSchema = Type.Object({
  /** The tables' owner. */
  MIGRATION_DATABASE_URL: databaseUrl,
  /** Set, the migration also creates the application role with this password when it is missing. */
  APP_ROLE_PASSWORD: Type.Optional(rolePassword),
});

/** The settings of `npm run provision -w @authscale/identity`, parsed once. */
export function loadProvisionConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'provision', schema: provisionConfigSchema, values });
}

/** The settings of `npm run migrate -w @authscale/identity`, parsed once. */
export function loadMigrationConfig(values: Record<string, unknown>) {
  return loadConfig({ scope: 'migrate', schema: migrationConfigSchema, values });
}
