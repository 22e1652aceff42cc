import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * State for the sign-in ceremonies: short-lived flows (MFA tokens, WebAuthn challenges, OIDC
 * attempts, step-up elevations) and what TOTP needs beyond the first schema: a pending secret
 * beside the active one, and a failure counter with a lock.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE auth_flows (
      kind text NOT NULL CHECK (char_length(kind) <= 32),
      id_hash bytea NOT NULL CHECK (octet_length(id_hash) = 32),
      payload jsonb NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (kind, id_hash)
    );
    CREATE INDEX auth_flows_by_expiry ON auth_flows (expires_at);

    ALTER TABLE totp_credentials
      ALTER COLUMN secret_ciphertext DROP NOT NULL,
      ADD COLUMN pending_secret_ciphertext text,
      ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
      ADD COLUMN locked_until timestamptz,
      ADD CONSTRAINT totp_credentials_has_a_secret
        CHECK (secret_ciphertext IS NOT NULL OR pending_secret_ciphertext IS NOT NULL);

    GRANT SELECT, INSERT, UPDATE, DELETE ON auth_flows TO authscale_app;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP TABLE auth_flows;
    DELETE FROM totp_credentials WHERE secret_ciphertext IS NULL;
    ALTER TABLE totp_credentials
      DROP CONSTRAINT totp_credentials_has_a_secret,
      DROP COLUMN locked_until,
      DROP COLUMN failed_attempts,
      DROP COLUMN pending_secret_ciphertext,
      ALTER COLUMN secret_ciphertext SET NOT NULL;
  `);
}
