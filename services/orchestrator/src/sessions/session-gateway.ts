import type { SessionClient } from '@authscale/core';

/** The part of the session replicas' client the orchestrator uses: create, look up, list, revoke. */
export type SessionGateway = Pick<SessionClient, 'create' | 'get' | 'list' | 'revoke' | 'revokeAll'>;
