import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * When an account's email address was last proven to belong to its holder. Only a proven address
 * lets a federated identity with the same address join the account: otherwise whoever signed up
 * first with someone else's address would gain their later OpenID Connect sign-ins.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
    -- Accounts created by an OpenID Connect sign-in got their address from a provider that verified it.
    UPDATE users u SET email_verified_at = u.created_at
      WHERE EXISTS (SELECT 1 FROM oidc_identities o WHERE o.user_id = u.id)
        AND NOT EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = u.id);
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('ALTER TABLE users DROP COLUMN email_verified_at;');
}
