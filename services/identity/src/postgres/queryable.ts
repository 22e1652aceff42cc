import type { Pool, PoolClient } from 'pg';

/** A pool or a connection inside a transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;
