import type { ClientBase } from 'pg';

const safeRoleAttributes = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';

/**
 * Creates `role` as a plain login role when it is missing (needs CREATEROLE) and sets its
 * password when one is given. An existing role is left as it is: the start-up check, not this
 * function, is what refuses an unsafe one.
 */
export async function ensureRole(client: ClientBase, { role, password }: { role: string; password?: string }) {
  const name = client.escapeIdentifier(role);
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rowCount === 0) {
    // Roles are cluster-wide and several databases may be provisioned at once: tolerate the race.
    await client.query(`DO $$ BEGIN CREATE ROLE ${name} ${safeRoleAttributes};
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  }
  if (password) await client.query(`ALTER ROLE ${name} PASSWORD ${client.escapeLiteral(password)}`);
}
