import { createSessions, type SessionStore } from '@authscale/session';

/** What is measured: a replica's own validation, or the session client over HTTP. */
export interface ValidationTarget {
  create(input: { userId: string; tenantId: string; amr: string[]; acr: string }): Promise<{ token: string }>;
  validate(token: string): Promise<unknown>;
  close(): Promise<unknown>;
}

export function inProcessTarget(store: SessionStore): ValidationTarget {
  // No write-back during the measurement: every write-back invalidates the entry everywhere.
  const sessions = createSessions({ store, touchIntervalMs: 29 * 60_000 });
  return { create: sessions.create, validate: sessions.validate, close: () => store.close() };
}
