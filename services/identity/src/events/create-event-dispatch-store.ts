import { observeConnectionPool } from '@authscale/core';
import pg from 'pg';
import type { DatabaseTarget } from '../create-identity.ts';
import { guarded } from '../postgres/translate-pg-error.ts';
import { type ClaimedDelivery, claimDeliveries } from './claim-deliveries.ts';
import { fanOutEvents } from './fan-out-events.ts';
import { pruneEvents } from './prune-events.ts';
import { type DeliveryOutcome, settleDelivery } from './settle-delivery.ts';

export interface CreateEventDispatchStoreOptions {
  /**
   * A connection as the event dispatcher's role (`authscale_events`): it can read the outbox and
   * the endpoints and work the deliveries, and nothing else. Unset, node-postgres reads PG*.
   */
  databaseUrl?: string;
  /**
   * The password of each new connection, as `createIdentity`'s: an RDS IAM authentication token
   * in AWS. Only without `databaseUrl`; the connection then comes from the PG* variables.
   */
  password?: (target: DatabaseTarget) => Promise<string>;
  /** @default 2 */
  maxConnections?: number;
}

/** The dispatcher's view of the outbox: fan out, claim, settle, prune. Each call is one statement. */
export function createEventDispatchStore({
  databaseUrl,
  password,
  maxConnections = 2,
}: CreateEventDispatchStoreOptions) {
  if (password && databaseUrl) {
    throw new TypeError(
      'createEventDispatchStore: a password provider takes its connection from PG* variables, not databaseUrl',
    );
  }
  const pool = new pg.Pool({
    ...(databaseUrl ? { connectionString: databaseUrl } : {}),
    // node-postgres calls it with its connection parameters; its types declare no argument.
    ...(password ? { password: (...args: unknown[]) => password(args[0] as DatabaseTarget) } : {}),
    max: maxConnections,
    statement_timeout: 10_000,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', () => {});
  observeConnectionPool('events', pool);
  return Object.freeze({
    fanOut: (input: { limit: number }) => guarded(() => fanOutEvents(pool, input)),
    claim: (input: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> =>
      guarded(() => claimDeliveries(pool, input)),
    settle: (input: { id: string; attempt: number; outcome: DeliveryOutcome }) =>
      guarded(() => settleDelivery(pool, input)),
    prune: (input: { retentionSeconds: number; limit: number }) => guarded(() => pruneEvents(pool, input)),
    close: () => pool.end(),
  });
}

export type EventDispatchStore = ReturnType<typeof createEventDispatchStore>;
