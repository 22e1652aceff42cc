import type { SessionView } from '@authscale/core';

/** A session as every backend stores it: the shape the internal API returns, defined once in core. */
export type SessionRecord = SessionView;

/** The sliding part of a record, written back by `touch`. */
export interface SessionActivity {
  lastSeenAt: number;
  idleExpiresAt: number;
}
