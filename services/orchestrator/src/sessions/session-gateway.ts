import type { SessionClient } from '@authscale/core';

/**
 * The part of the session replicas' client the orchestrator uses: create, look up, keep alive,
 * list, revoke, invalidate, and for erasure purge and footprint.
 */
export type SessionGateway = Pick<
  SessionClient,
  'create' | 'get' | 'touch' | 'list' | 'revoke' | 'revokeAll' | 'invalidateUser' | 'purgeUser' | 'footprint'
>;
