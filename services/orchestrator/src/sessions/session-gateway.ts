import type { SessionClient } from '@authscale/core';

/** The part of the session replicas' client the orchestrator uses: create, look up, revoke. */
export type SessionGateway = Pick<SessionClient, 'create' | 'get' | 'revoke' | 'revokeAll'>;
