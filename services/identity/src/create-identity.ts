import { AuthError, observeConnectionPool } from '@authscale/core';
import pg, { type PoolClient } from 'pg';
import { assertSafeDatabaseRole } from './assert-safe-database-role.ts';
import { listAuditEvents } from './audit/list-audit-events.ts';
import { recordAuditEvent } from './audit/record-audit-event.ts';
import { ceremonyStores } from './ceremony-stores.ts';
import { appendEvent } from './events/append-event.ts';
import type { DomainEvent } from './events/event-catalogue.ts';
import { acceptInvitation } from './invitations/accept-invitation.ts';
import { type CreateInvitationInput, createInvitation } from './invitations/create-invitation.ts';
import { listInvitations } from './invitations/list-invitations.ts';
import { revokeInvitation } from './invitations/revoke-invitation.ts';
import { type ChangeMemberRoleInput, changeMemberRole } from './memberships/change-member-role.ts';
import { createTenant } from './memberships/create-tenant.ts';
import { findDefaultTenant } from './memberships/find-default-tenant.ts';
import { findMembership } from './memberships/find-membership.ts';
import { listMembers } from './memberships/list-members.ts';
import { listUserTenants } from './memberships/list-user-tenants.ts';
import { removeMember } from './memberships/remove-member.ts';
import { describeUser } from './operators/describe-user.ts';
import { exportAuditEvents } from './operators/export-audit-events.ts';
import { describeTenant, listTenants } from './operators/list-tenants.ts';
import { resetMfa } from './operators/reset-mfa.ts';
import { type SearchUsersInput, searchUsers } from './operators/search-users.ts';
import { type SetUserDisabledInput, setUserDisabled } from './operators/set-user-disabled.ts';
import { inTransaction } from './postgres/in-transaction.ts';
import type { Queryable } from './postgres/queryable.ts';
import { guarded } from './postgres/translate-pg-error.ts';
import { createProject } from './projects/create-project.ts';
import { listProjects } from './projects/list-projects.ts';
import type { AuditEvent } from './types.ts';
import { type ChangeEmailInput, changeEmail } from './users/change-email.ts';
import { disableUser } from './users/disable-user.ts';
import { type EraseUserInput, eraseUser, findErasableUser, findErasureResidue } from './users/erase-user.ts';
import { findEmailHolder } from './users/find-email-holder.ts';
import { findPasswordHash } from './users/find-password-hash.ts';
import { findPasswordLogin } from './users/find-password-login.ts';
import { findVerifiedUser } from './users/find-verified-user.ts';
import { getUser } from './users/get-user.ts';
import { markEmailVerified } from './users/mark-email-verified.ts';
import { type ReplacePasswordHashInput, replacePasswordHash } from './users/replace-password-hash.ts';
import { resetPassword } from './users/reset-password.ts';
import { type SignUpWithPasswordOptions, signUpWithPassword } from './users/sign-up-with-password.ts';
import { updatePasswordHash } from './users/update-password-hash.ts';
import { isUuid } from './uuid/is-uuid.ts';
import { type CreateWebhookEndpointInput, createWebhookEndpoint } from './webhooks/create-webhook-endpoint.ts';
import { deleteWebhookEndpoint } from './webhooks/delete-webhook-endpoint.ts';
import { type ListWebhookDeliveriesInput, listWebhookDeliveries } from './webhooks/list-webhook-deliveries.ts';
import { listWebhookEndpoints } from './webhooks/list-webhook-endpoints.ts';
import { type RotateWebhookSecretInput, rotateWebhookSecret } from './webhooks/rotate-webhook-secret.ts';

export interface CreateIdentityOptions {
  /**
   * A connection as the application role (`authscale_app`): not an owner, no BYPASSRLS.
   * Unset, node-postgres reads PGHOST, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE...
   */
  databaseUrl?: string;
  /**
   * The password of each new connection, asked for as the connection opens: an RDS IAM
   * authentication token, which lives 15 minutes, so a pool that outlives one never reuses it.
   * Told where the connection goes (node-postgres' resolved host, port and user). Only without
   * `databaseUrl`, whose password (empty when absent) node-postgres would send instead: the
   * connection then comes from PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE. Unset: PGPASSWORD.
   */
  password?: (target: DatabaseTarget) => Promise<string>;
  /** @default 10 */
  maxConnections?: number;
  /** @default 5000 */
  statementTimeoutMs?: number;
}

/** Where a connection goes, as node-postgres resolved it from the URL or the PG* variables. */
export interface DatabaseTarget {
  host: string;
  port: number;
  user: string;
}

/** The tenant-bound view handed to `withTenant` callbacks: every query runs under RLS. */
export interface TenantScope {
  readonly tenantId: string;
  readonly projects: {
    list(options?: { limit?: number }): ReturnType<typeof listProjects>;
    create(input: { name: string }): ReturnType<typeof createProject>;
  };
  readonly auditEvents: {
    list(options?: { limit?: number; before?: string }): ReturnType<typeof listAuditEvents>;
  };
  /** The tenant's webhook endpoints; the caller seals each secret before it gets here. */
  readonly webhooks: {
    create(input: CreateWebhookEndpointInput): ReturnType<typeof createWebhookEndpoint>;
    list(): ReturnType<typeof listWebhookEndpoints>;
    remove(input: { endpointId: string }): ReturnType<typeof deleteWebhookEndpoint>;
    rotateSecret(input: RotateWebhookSecretInput): ReturnType<typeof rotateWebhookSecret>;
    deliveries(input: ListWebhookDeliveriesInput): ReturnType<typeof listWebhookDeliveries>;
  };
}

/**
 * The identity module: the only code that reads or writes the identity tables. Call
 * `assertSafeDatabaseRole()` before serving (the service factories do).
 */
export function createIdentity({
  databaseUrl,
  password,
  maxConnections = 10,
  statementTimeoutMs = 5000,
}: CreateIdentityOptions) {
  if (password && databaseUrl) {
    throw new TypeError('createIdentity: a password provider takes its connection from PG* variables, not databaseUrl');
  }
  const poolOptions = { max: maxConnections, statement_timeout: statementTimeoutMs, connectionTimeoutMillis: 5000 };
  const pool = new pg.Pool({
    ...(databaseUrl ? { connectionString: databaseUrl } : {}),
    // node-postgres calls it with its connection parameters; its types declare no argument.
    ...(password ? { password: (...args: unknown[]) => password(args[0] as DatabaseTarget) } : {}),
    ...poolOptions,
  });
  // An idle client's error (a Postgres restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  observeConnectionPool('identity', pool);
  const db: Queryable = pool;
  const membershipOf = async (input: { userId: string; tenantId: string }) =>
    isUuid(input.userId) && isUuid(input.tenantId) ? guarded(() => findMembership(db, input)) : null;

  return Object.freeze({
    assertSafeDatabaseRole: () => assertSafeDatabaseRole(pool),
    ping: () => guarded(() => pool.query('SELECT 1')),

    users: Object.freeze({
      signUpWithPassword: (input: SignUpWithPasswordOptions) =>
        inTransaction({ pool }, (client) => signUpWithPassword(client, input)),
      findPasswordLogin: (input: { email: string }) => guarded(() => findPasswordLogin(db, input)),
      updatePasswordHash: (input: { userId: string; passwordHash: string }) =>
        guarded(() => updatePasswordHash(db, input)),
      /** The enabled user whose proven address is `email`. */
      findVerified: (input: { email: string }) => guarded(() => findVerifiedUser(db, input)),
      get: async (input: { userId: string }) => (isUuid(input.userId) ? guarded(() => getUser(db, input)) : null),
      passwordHashOf: async (input: { userId: string }) =>
        isUuid(input.userId) ? guarded(() => findPasswordHash(db, input)) : null,
      replacePasswordHash: (input: ReplacePasswordHashInput) =>
        inTransaction({ pool }, (client) => replacePasswordHash(client, input)),
      /** A password set through a reset link: `password.changed` goes out, as for a change. */
      resetPassword: (input: { userId: string; passwordHash: string }) =>
        inTransaction({ pool }, (client) => resetPassword(client, input)),
      /** Whether an account holds the address: the caller must not reveal the answer. */
      findEmailHolder: (input: { email: string }) => guarded(() => findEmailHolder(db, input)),
      changeEmail: async (input: ChangeEmailInput) =>
        isUuid(input.userId)
          ? guarded(() => changeEmail(db, input))
          : { changed: false as const, reason: 'moved_on' as const },
      markEmailVerified: async (input: { userId: string; email: string }) =>
        isUuid(input.userId) ? inTransaction({ pool }, (client) => markEmailVerified(client, input)) : false,
    }),

    memberships: Object.freeze({
      find: async (input: { userId: string; tenantId: string }) => (await membershipOf(input))?.role ?? null,
      /** The role with the user's record, read together: what tenant context needs for `GET /me`. */
      findWithUser: membershipOf,
      defaultTenant: (input: { userId: string }) => guarded(() => findDefaultTenant(db, input)),
      tenantsOf: (input: { userId: string }) => guarded(() => listUserTenants(db, input)),
      createTenant: (input: { userId: string; name: string }) =>
        inTransaction({ pool }, (client) => createTenant(client, input)),
      /** Member management: the role rules are checked inside the transaction, under a tenant lock. */
      list: (input: { tenantId: string }) => guarded(() => listMembers(db, input)),
      changeRole: (input: ChangeMemberRoleInput) =>
        isUuid(input.userId)
          ? inTransaction({ pool }, (client) => changeMemberRole(client, input))
          : Promise.reject(new AuthError('not_found', 'That user is not a member.')),
      remove: (input: { tenantId: string; actorId: string; userId: string }) =>
        isUuid(input.userId)
          ? inTransaction({ pool }, (client) => removeMember(client, input))
          : Promise.reject(new AuthError('not_found', 'That user is not a member.')),
    }),

    /**
     * Members join by invitation: one per tenant and address, accepted only by an account whose
     * verified address is the invited one. The role rules are checked under the tenant lock, at
     * invitation and again at acceptance.
     */
    invitations: Object.freeze({
      create: (input: CreateInvitationInput) => inTransaction({ pool }, (client) => createInvitation(client, input)),
      list: (input: { tenantId: string }) => guarded(() => listInvitations(db, input)),
      accept: (input: { token: string; userId: string }) =>
        isUuid(input.userId)
          ? inTransaction({ pool }, (client) => acceptInvitation(client, input))
          : Promise.reject(new AuthError('unauthenticated')),
      revoke: (input: { tenantId: string; actorId: string; invitationId: string }) =>
        isUuid(input.invitationId)
          ? inTransaction({ pool }, (client) => revokeInvitation(client, input))
          : Promise.reject(new AuthError('not_found', 'No pending invitation has that id.')),
    }),

    audit: Object.freeze({
      record: (event: AuditEvent) => guarded(() => recordAuditEvent(db, event)),
    }),

    events: Object.freeze({
      /**
       * For a change that is not in Postgres (a session in Redis, a token record in DynamoDB),
       * once its store acknowledged it: at least once after the fact, not transactional. A change
       * to the identity tables writes its event in its own transaction instead.
       */
      publish: (event: DomainEvent) => guarded(() => appendEvent(db, event)),
    }),

    ...ceremonyStores({ pool, guarded }),

    /**
     * Runs `work` in one transaction with `app.tenant_id` set transaction-locally, so every
     * tenant-scoped query inside it sees and writes only that tenant's rows.
     */
    withTenant<T>(tenantId: string, work: (scope: TenantScope) => Promise<T>): Promise<T> {
      if (!isUuid(tenantId)) return Promise.reject(new AuthError('invalid_request', 'The tenant id is invalid.'));
      return inTransaction({ pool, settings: { 'app.tenant_id': tenantId } }, (client) =>
        work(
          Object.freeze({
            tenantId,
            projects: tenantProjects(client),
            auditEvents: Object.freeze({
              list: (options?: { limit?: number; before?: string }) => listAuditEvents(client, options),
            }),
            webhooks: tenantWebhooks(client),
          }),
        ),
      );
    },

    /**
     * What the admin API does (docs/admin-api.md), over a pool connected as the operator role: the
     * audit export and platform-wide endpoints need that role's policies, and fail over the
     * application role. Every action that changes something records who did it.
     */
    operators: Object.freeze({
      searchUsers: (input: SearchUsersInput) =>
        input.userId !== undefined && !isUuid(input.userId)
          ? Promise.resolve([])
          : guarded(() => searchUsers(db, input)),
      describeUser: async (input: { userId: string }) =>
        isUuid(input.userId) ? guarded(() => describeUser(db, input)) : null,
      /** An account with its personal tenant; the caller picks the password hash (none usable, for an invitation). */
      createUser: (input: SignUpWithPasswordOptions & { emailVerified: boolean }) =>
        inTransaction({ pool }, async (client) => {
          const result = await signUpWithPassword(client, input);
          if (result.created && input.emailVerified) {
            await markEmailVerified(client, { userId: result.userId, email: input.email });
          }
          return result;
        }),
      setDisabled: async (input: SetUserDisabledInput) =>
        isUuid(input.userId) ? inTransaction({ pool }, (client) => setUserDisabled(client, input)) : null,
      resetMfa: (input: { userId: string }) => inTransaction({ pool }, (client) => resetMfa(client, input)),
      listTenants: (input: { after?: string; limit: number }) =>
        input.after !== undefined && !isUuid(input.after) ? Promise.resolve([]) : guarded(() => listTenants(db, input)),
      describeTenant: async (input: { tenantId: string }) =>
        isUuid(input.tenantId) ? guarded(() => describeTenant(db, input)) : null,
      exportAudit: (input: Parameters<typeof exportAuditEvents>[1]) => guarded(() => exportAuditEvents(db, input)),
      /** Endpoints that belong to no tenant: the transaction sets none, so only the operator's policy matches. */
      platformWebhooks: <T>(work: (webhooks: TenantScope['webhooks']) => Promise<T>) =>
        inTransaction({ pool }, (client) => work(tenantWebhooks(client))),
    }),

    admin: Object.freeze({
      /**
       * Operator action: disables the user with this email (sign-in and membership checks refuse
       * them from now on). Revoking their sessions and refresh tokens is the caller's next step.
       */
      disableUser: (input: { email: string; reason: string }) =>
        inTransaction({ pool }, (client) => disableUser(client, input)),
      /**
       * Erasure (docs/erasure.md), in three calls so the caller can clear the other stores in
       * between: `erasableUser` (the address, or null; `conflict` while the user is the only
       * owner of a tenant with other members), then `eraseUser` in one transaction, then
       * `erasureResidue` (what is left, by table). The last two need the operator role.
       */
      erasableUser: async (input: { userId: string }) =>
        isUuid(input.userId) ? guarded(() => findErasableUser(db, input)) : null,
      eraseUser: async (input: EraseUserInput) =>
        isUuid(input.userId) ? inTransaction({ pool }, (client) => eraseUser(client, input)) : null,
      erasureResidue: (input: { userId: string; email?: string }) =>
        isUuid(input.userId) ? guarded(() => findErasureResidue(db, input)) : Promise.resolve([]),
    }),

    close: async () => {
      await pool.end();
    },
  });
}

function tenantProjects(client: PoolClient): TenantScope['projects'] {
  return Object.freeze({
    list: (options?: { limit?: number }) => listProjects(client, options),
    create: (input: { name: string }) => createProject(client, input),
  });
}

function tenantWebhooks(client: PoolClient): TenantScope['webhooks'] {
  return Object.freeze({
    create: (input: CreateWebhookEndpointInput) => createWebhookEndpoint(client, input),
    list: () => listWebhookEndpoints(client),
    remove: (input: { endpointId: string }) => deleteWebhookEndpoint(client, input),
    rotateSecret: (input: RotateWebhookSecretInput) => rotateWebhookSecret(client, input),
    deliveries: (input: ListWebhookDeliveriesInput) => listWebhookDeliveries(client, input),
  });
}

export type Identity = ReturnType<typeof createIdentity>;
