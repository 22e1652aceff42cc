import type { Pool } from 'pg';
import { identityTables, tenantScopedTables } from './roles.ts';
import { UnsafeDatabaseRoleError } from './unsafe-database-role-error.ts';

interface RoleFacts {
  role: string;
  privileged_roles: string[];
  owned_tables: string[];
  present_tables: string[];
  unforced_tables: string[];
}

/**
 * Refuses to serve with a role that could bypass row-level security: a superuser, a role with
 * BYPASSRLS, or the owner of an identity table, counting roles it can `SET ROLE` to as well.
 * Also refuses when the schema is missing or a tenant-scoped table lacks FORCE ROW LEVEL SECURITY.
 */
export async function assertSafeDatabaseRole(pool: Pool): Promise<void> {
  const { rows } = await pool.query<RoleFacts>(
    `SELECT current_user AS role,
       ARRAY(SELECT rolname::text FROM pg_roles
             WHERE (rolsuper OR rolbypassrls) AND pg_has_role(current_user, oid, 'MEMBER')) AS privileged_roles,
       ARRAY(SELECT c.relname::text FROM pg_class c
             WHERE c.oid = ANY(tables.oids) AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owned_tables,
       ARRAY(SELECT c.relname::text FROM pg_class c WHERE c.oid = ANY(tables.oids)) AS present_tables,
       ARRAY(SELECT c.relname::text FROM pg_class c
             WHERE c.oid = ANY(tables.oids) AND c.relname = ANY($2::text[])
               AND NOT (c.relrowsecurity AND c.relforcerowsecurity)) AS unforced_tables
     FROM (SELECT ARRAY(SELECT to_regclass(name)::oid FROM unnest($1::text[]) AS name) AS oids) AS tables`,
    [identityTables, tenantScopedTables],
  );
  const facts = rows[0] as RoleFacts;
  const problems = [
    ...facts.privileged_roles.map((role) => `role "${facts.role}" is or can become "${role}", which bypasses RLS`),
    ...facts.owned_tables.map((table) => `role "${facts.role}" owns table "${table}" (owners can disable RLS)`),
    ...identityTables
      .filter((table) => !facts.present_tables.includes(table))
      .map((table) => `table "${table}" is missing: run the identity migrations first`),
    ...facts.unforced_tables.map((table) => `table "${table}" does not have FORCE ROW LEVEL SECURITY`),
  ];
  if (problems.length > 0) throw new UnsafeDatabaseRoleError(problems);
}
