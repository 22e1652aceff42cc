import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Erasing a user (docs/erasure.md) is the operator role's alone: beyond what it inherits from the
 * application role it may scrub the network address and detail of audit rows (never their type,
 * time, tenant or user id, so the trail keeps its shape) and delete a user's outbox events, whose
 * pending ones would otherwise deliver data about someone who no longer exists. The application
 * role still only appends to both.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    GRANT UPDATE (ip, detail) ON audit_events TO authscale_operator;
    CREATE POLICY operator_scrubs ON audit_events FOR UPDATE TO authscale_operator USING (true) WITH CHECK (true);

    GRANT SELECT (id, type, user_id), DELETE ON event_outbox TO authscale_operator;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    REVOKE SELECT (id, type, user_id), DELETE ON event_outbox FROM authscale_operator;
    DROP POLICY operator_scrubs ON audit_events;
    REVOKE UPDATE (ip, detail) ON audit_events FROM authscale_operator;
  `);
}
