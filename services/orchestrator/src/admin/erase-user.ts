import { AuthError, purgedEpochTtlMs } from '@authscale/core';
import type { PostgresRowsErased } from '@authscale/identity';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { disableUser } from './disable-user.ts';

export type ErasureDependencies = Pick<OrchestratorDependencies, 'identity' | 'sessions' | 'refreshTokens' | 'apiKeys'>;

export interface ErasureReport {
  userId: string;
  /** `already_erased`: an earlier run committed the Postgres step; this one swept the other stores again. */
  outcome: 'erased' | 'already_erased';
  removed: {
    /** Null when an earlier run erased the rows. */
    postgres: PostgresRowsErased | null;
    dynamodb: { families: number; tokens: number; apiKeysRevoked: number };
    /** `epochExpiresInMs`: the one key left, a counter that expires by itself (docs/erasure.md). */
    sessions: { revoked: number; epochExpiresInMs: number | null };
  };
  /** Every store was read again afterwards and holds nothing of the user. */
  verified: true;
}

/**
 * The operator action for a request to be forgotten (docs/erasure.md). Disables the user first,
 * so nothing new starts for them, then clears the session store and the token table, then erases
 * the Postgres rows in one transaction, then reads every store again. Refuses with `conflict`,
 * before changing anything, a user who is the only owner of a tenant with other members, and with
 * `not_found` an id that no user has or had. Safe to run again after any failure: a run after the
 * Postgres step committed answers `already_erased` and sweeps the other stores again.
 */
export async function eraseUser(
  deps: ErasureDependencies,
  { userId, operator, reason }: { userId: string; operator: { id: string }; reason: string },
): Promise<ErasureReport> {
  const user = await deps.identity.admin.erasableUser({ userId });
  const tenants = user ? await deps.identity.memberships.tenantsOf({ userId }) : [];
  // Disabling ends the live sessions; the purge then removes what is left of them.
  let ended = 0;
  if (user) {
    ended = (await disableUser(deps, { email: user.email, reason })).sessionsRevoked;
  } else if ((await deps.identity.admin.eraseUser({ userId, operatorId: operator.id, reason })) === null) {
    throw new AuthError('not_found', 'No user has that id.');
  }

  const revoked = await deps.sessions.purgeUser(userId);
  const tokens = await deps.refreshTokens.eraseUser({ userId });
  let apiKeysRevoked = 0;
  for (const tenant of tenants) apiKeysRevoked += await deps.apiKeys.revokeCreatedBy({ tenantId: tenant.id, userId });
  const postgres = user ? await deps.identity.admin.eraseUser({ userId, operatorId: operator.id, reason }) : null;
  if (user && !postgres) throw new AuthError('not_found', 'No user has that id.');

  const footprint = await verifyErasure(deps, { userId, email: user?.email, tenantIds: tenants.map(({ id }) => id) });
  const erased = postgres?.outcome === 'erased' ? postgres.removed : null;
  return {
    userId,
    outcome: erased ? 'erased' : 'already_erased',
    removed: {
      postgres: erased,
      dynamodb: { ...tokens, apiKeysRevoked },
      sessions: { revoked: ended + revoked, epochExpiresInMs: footprint.epochExpiresInMs },
    },
    verified: true,
  };
}

/**
 * Reads every store again; throws `internal` naming what is left, for the operator to run the
 * erasure again (an index that had not caught up, a session created in the moment before the
 * disable). The epoch may remain, bumped and expiring within `purgedEpochTtlMs`.
 */
async function verifyErasure(
  deps: ErasureDependencies,
  { userId, email, tenantIds }: { userId: string; email: string | undefined; tenantIds: string[] },
) {
  const [residue, items, live, footprint, keys] = await Promise.all([
    deps.identity.admin.erasureResidue({ userId, ...(email ? { email } : {}) }),
    deps.refreshTokens.findUserItems(userId),
    deps.sessions.list(userId),
    deps.sessions.footprint(userId),
    Promise.all(tenantIds.map((tenantId) => deps.apiKeys.createdBy({ tenantId, userId }))),
  ]);
  const left = [
    ...residue.map((table) => `postgres:${table}`),
    ...(items.length > 0 ? [`dynamodb:${items.length} items`] : []),
    ...(keys.flat().length > 0 ? ['dynamodb:api keys'] : []),
    ...(live.length > 0 || footprint.sessions > 0 ? ['sessions'] : []),
    ...(footprint.epochExpiresInMs !== null && !(footprint.epochExpiresInMs <= purgedEpochTtlMs)
      ? ['sessions:epoch']
      : []),
  ];
  if (left.length > 0)
    throw new AuthError('internal', `The erasure left data behind (${left.join(', ')}); run it again.`);
  return footprint;
}
