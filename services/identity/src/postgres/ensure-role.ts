import type { ClientBase } from 'pg';

const safeRoleAttributes = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';

/** PostgreSQL's duplicate_object and unique_violation: another session created the role first. */
const alreadyCreated = new Set(['42710', '23505']);

export interface EnsureRoleOptions {
  role: string;
  /** The password a created role gets; none for local trust authentication. */
  password?: string;
  /**
   * Also set `password` on a role that already exists. Off by default: once a deployment has
   * created a role, Secrets Manager rotation owns its password, and setting the one read at start
   * could undo a rotation that finished meanwhile.
   * @default false
   */
  resetPassword?: boolean;
}

/**
 * Creates `role` as a plain login role when it is missing (needs CREATEROLE), with its password in
 * the same statement, so a role never exists without the password it was created for. An existing
 * role is left as it is (its password too, unless `resetPassword`): the start-up check, not this
 * function, is what refuses an unsafe one. Resolves with whether it created the role.
 */
export async function ensureRole(
  client: ClientBase,
  { role, password, resetPassword = false }: EnsureRoleOptions,
): Promise<boolean> {
  const name = client.escapeIdentifier(role);
  const withPassword = password ? ` PASSWORD ${client.escapeLiteral(password)}` : '';
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rowCount === 0) {
    try {
      await client.query(`CREATE ROLE ${name} ${safeRoleAttributes}${withPassword}`);
      return true;
    } catch (error) {
      // Roles are cluster-wide and several databases may be provisioned at once: tolerate the race.
      if (!alreadyCreated.has((error as { code?: string }).code ?? '')) throw error;
    }
  }
  if (password && resetPassword) await client.query(`ALTER ROLE ${name}${withPassword}`);
  return false;
}
