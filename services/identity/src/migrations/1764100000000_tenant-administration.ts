import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Tenant administration: users can be disabled by an operator, and a tenant's owners and admins
 * read their tenant's audit events. Audit events stay append-only for the application role; row-level
 * security lets it read back only the rows of the transaction's tenant (none without one).
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    ALTER TABLE users ADD COLUMN disabled_at timestamptz;

    CREATE INDEX memberships_owners ON memberships (tenant_id) WHERE role = 'owner';
    CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, id) WHERE tenant_id IS NOT NULL;

    -- Not FORCEd: the owner role (migrations, operators' audit exports) reads every event.
    ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
    CREATE POLICY audit_append ON audit_events FOR INSERT WITH CHECK (true);
    CREATE POLICY audit_read_own_tenant ON audit_events FOR SELECT
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT ON audit_events TO authscale_app;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    REVOKE SELECT ON audit_events FROM authscale_app;
    DROP POLICY audit_read_own_tenant ON audit_events;
    DROP POLICY audit_append ON audit_events;
    ALTER TABLE audit_events DISABLE ROW LEVEL SECURITY;
    DROP INDEX audit_events_by_tenant;
    DROP INDEX memberships_owners;
    ALTER TABLE users DROP COLUMN disabled_at;
  `);
}
