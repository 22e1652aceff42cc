import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * The admin API's role (`authscale_operator`, docs/admin-api.md). Provisioning makes it a member of
 * the application role, so it inherits every grant and tenant policy the services have; this adds
 * what an operator needs across tenants, each through a policy of its own rather than BYPASSRLS:
 * reading the whole audit trail (the export) and managing platform-wide webhook endpoints, which
 * belong to no tenant, with their deliveries. Operators search users by address prefix, in byte
 * order, which `users_by_email_bytes` serves for any database collation.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    GRANT SELECT ON audit_events TO authscale_operator;
    CREATE POLICY operator_reads ON audit_events FOR SELECT TO authscale_operator USING (true);

    CREATE INDEX users_by_email_bytes ON users ((email COLLATE "C"));

    CREATE POLICY operator_platform_endpoints ON webhook_endpoints TO authscale_operator
      USING (tenant_id IS NULL) WITH CHECK (tenant_id IS NULL);
    CREATE POLICY operator_reads_platform_deliveries ON webhook_deliveries FOR SELECT TO authscale_operator
      USING (endpoint_id IN (SELECT id FROM webhook_endpoints WHERE tenant_id IS NULL));
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP POLICY operator_reads_platform_deliveries ON webhook_deliveries;
    DROP POLICY operator_platform_endpoints ON webhook_endpoints;
    DROP INDEX users_by_email_bytes;
    DROP POLICY operator_reads ON audit_events;
    REVOKE SELECT ON audit_events FROM authscale_operator;
  `);
}
