import type { redisPrimaryKilled, sessionReplicaKilled } from '../failover.ts';
import type { LiveSessionsResult } from '../live-sessions.ts';
import type { LoadRun } from '../load.ts';
import type { measureEdgeThroughput } from './measure-edge-throughput.ts';

/** A measure's figures, or the reason it could not be taken. */
export type Measured<T> = T | string;

/** Everything `npm run bench` measured, for its write-up. */
export interface ResultsMeasures {
  passwords: Measured<number>;
  passkeys: Measured<number>;
  live: Measured<LiveSessionsResult>;
  before: Measured<LoadRun>;
  edge: Measured<Awaited<ReturnType<typeof measureEdgeThroughput>>>;
  failover: Measured<{
    replica: Measured<Awaited<ReturnType<typeof sessionReplicaKilled>>>;
    primary: Measured<Awaited<ReturnType<typeof redisPrimaryKilled>>>;
  }>;
}

export const failed = (value: unknown): value is string => typeof value === 'string';
