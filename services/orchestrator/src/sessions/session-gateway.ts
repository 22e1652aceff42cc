import type { SessionClient } from '@authscale/core';

/** The part of the session replicas' client the orchestrator uses: create, look up, keep alive, list, revoke, invalidate. */
export type SessionGateway = Pick<
  SessionClient,
  'create' | 'get' | 'touch' | 'list' | 'revoke' | 'revokeAll' | 'invalidateUser'
>;
