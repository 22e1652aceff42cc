/**
 * The database roles. The owner runs migrations and owns every table; the application role
 * connects at run time, owns nothing and has no BYPASSRLS, so row-level security always applies.
 * The event dispatcher's role is as plain: it reads the outbox and the webhook endpoints and works
 * the deliveries, through grants and policies of its own. The operator role, which the admin API
 * connects as, is a member of the application role and adds what operators need across tenants
 * (the audit trail, platform-wide endpoints, erasure), again through policies, never BYPASSRLS.
 * The migrations grant to them by name.
 */
export const identityRoles = Object.freeze({
  owner: 'authscale_owner',
  app: 'authscale_app',
  events: 'authscale_events',
  operator: 'authscale_operator',
} as const);

/** Tables whose rows belong to one tenant; each has FORCE ROW LEVEL SECURITY. */
export const tenantScopedTables = Object.freeze(['projects', 'webhook_endpoints', 'webhook_deliveries'] as const);

/** Every table the identity module owns. */
export const identityTables = Object.freeze([
  'tenants',
  'users',
  'memberships',
  'password_credentials',
  'webauthn_credentials',
  'totp_credentials',
  'recovery_codes',
  'oidc_identities',
  'audit_events',
  'auth_flows',
  'tenant_invitations',
  'event_outbox',
  ...tenantScopedTables,
] as const);
