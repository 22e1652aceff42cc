import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * A mailed link voids the user's earlier links of its kind, a successful second factor voids a
 * pending authenticator removal, and disabling a user deletes all their flows: each finds the
 * user's flows by `payload->>'userId'`. Without an index that is a scan of every live flow (MFA
 * and passkey challenges included) on each of those requests. Flows without a user are left out.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE INDEX auth_flows_by_user ON auth_flows ((payload->>'userId'), kind)
      WHERE payload->>'userId' IS NOT NULL;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('DROP INDEX auth_flows_by_user;');
}
