import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Outbound events (docs/events.md). `event_outbox` is written in the transaction of the change it
 * reports; the dispatcher fans each row out to the matching `webhook_endpoints` as one
 * `webhook_deliveries` row per endpoint, which carries the retry schedule, so a restart loses
 * nothing. The application role appends events and manages its tenant's endpoints under RLS; the
 * dispatcher's role (`authscale_events`) reads the outbox and every endpoint and works the
 * deliveries, and can do nothing else.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE event_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- The webhook-id receivers deduplicate by: the same on every retry and every endpoint.
      message_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
      type text NOT NULL,
      version integer NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      user_id uuid,
      -- The user id for the event types the catalogue orders; NULL for the others.
      ordering_key text,
      -- Whose tenant-scoped endpoints see it, fixed when the event was written.
      tenant_ids uuid[] NOT NULL,
      data jsonb NOT NULL,
      fanned_out_at timestamptz
    );
    CREATE INDEX event_outbox_unfanned ON event_outbox (id) WHERE fanned_out_at IS NULL;
    CREATE INDEX event_outbox_unfanned_by_key ON event_outbox (ordering_key, id)
      WHERE fanned_out_at IS NULL AND ordering_key IS NOT NULL;

    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY,
      -- NULL: a platform-wide endpoint, created by operators, that sees every event.
      tenant_id uuid DEFAULT nullif(current_setting('app.tenant_id', true), '')::uuid
        REFERENCES tenants (id) ON DELETE CASCADE,
      url text NOT NULL CHECK (char_length(url) <= 2048),
      event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
      -- Sealed by the orchestrator (AES-256-GCM, bound to the endpoint id): a database read
      -- yields no key that signs.
      secret_ciphertext text NOT NULL,
      -- The secret before the last rotation, signed with too until it expires.
      previous_secret_ciphertext text,
      previous_secret_expires_at timestamptz,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant_id, created_at);

    CREATE TABLE webhook_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES event_outbox (id) ON DELETE CASCADE,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
      tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
      ordering_key text,
      -- Copied from the event, so a tenant lists its deliveries without reading the outbox.
      message_id uuid NOT NULL,
      event_type text NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      -- When the next attempt may start; a claimed delivery's lease until then.
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_status integer,
      last_error text,
      settled_at timestamptz,
      UNIQUE (event_id, endpoint_id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
    CREATE INDEX webhook_deliveries_pending_by_key ON webhook_deliveries (endpoint_id, ordering_key, event_id)
      WHERE state = 'pending' AND ordering_key IS NOT NULL;
    CREATE INDEX webhook_deliveries_by_tenant ON webhook_deliveries (tenant_id, id) WHERE tenant_id IS NOT NULL;

    -- Endpoints and deliveries are tenant data: FORCE, as for projects. The dispatcher's role
    -- reads across tenants through policies of its own, not through BYPASSRLS.
    ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
    ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON webhook_endpoints TO authscale_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY dispatcher_reads ON webhook_endpoints FOR SELECT TO authscale_events USING (true);

    ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
    ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_reads ON webhook_deliveries FOR SELECT TO authscale_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY dispatcher_works ON webhook_deliveries TO authscale_events USING (true) WITH CHECK (true);

    GRANT INSERT ON event_outbox TO authscale_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO authscale_app;
    GRANT SELECT ON webhook_deliveries TO authscale_app;

    GRANT SELECT, UPDATE (fanned_out_at) ON event_outbox TO authscale_events;
    GRANT SELECT ON webhook_endpoints TO authscale_events;
    GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO authscale_events;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('DROP TABLE webhook_deliveries, webhook_endpoints, event_outbox;');
}
