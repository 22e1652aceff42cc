import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Invitations replace adding members by email: a manager invites an address, and only an account
 * that proved it receives mail there can accept. A global table like `memberships` (read by key:
 * the tenant, or the token's hash), one pending invitation per tenant and address, and only the
 * SHA-256 of the token, so a database read yields no working link.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE tenant_invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      email text NOT NULL CHECK (char_length(email) <= 254),
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
      -- The inviter's authority is checked again at acceptance; without an inviter there is none.
      invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      UNIQUE (tenant_id, email)
    );

    GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_invitations TO authscale_app;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('DROP TABLE tenant_invitations;');
}
