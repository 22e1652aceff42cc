export type { SessionClient, SessionClientOptions } from './create-session-client.ts';
export { createSessionClient } from './create-session-client.ts';
export { rankReplicas } from './rank-replicas.ts';
export type { CreateSessionInput, SessionView } from './session-view.ts';
