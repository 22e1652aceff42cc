import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Every sign-in writes an event, so the outbox grows with traffic whether or not anyone subscribes:
 * the dispatcher deletes what it has finished with once it is old enough (`pruneEvents`), with the
 * deliveries that go with it. The index finds those rows without reading the live ones.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    GRANT DELETE ON event_outbox, webhook_deliveries TO authscale_events;
    CREATE INDEX event_outbox_fanned ON event_outbox (fanned_out_at) WHERE fanned_out_at IS NOT NULL;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP INDEX event_outbox_fanned;
    REVOKE DELETE ON event_outbox, webhook_deliveries FROM authscale_events;
  `);
}
