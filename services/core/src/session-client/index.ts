export type { SessionClient, SessionClientOptions } from './create-session-client.ts';
export { createSessionClient } from './create-session-client.ts';
export type { EpochTtlReader } from './measure-epoch-propagation.ts';
export { measureEpochPropagation } from './measure-epoch-propagation.ts';
export { rankReplicas } from './rank-replicas.ts';
export { maxNearCacheAgeMs, purgedEpochTtlMs, sessionEpochKey, sessionEpochTtlMs } from './session-epoch.ts';
export { sessionIdFor } from './session-id-for.ts';
export type { SessionNearCache, SessionNearCacheOptions } from './session-near-cache.ts';
export { createSessionNearCache } from './session-near-cache.ts';
export type { CreateSessionInput, SessionView } from './session-schemas.ts';
export {
  createdSessionSchema,
  createSessionInputSchema,
  freshQuerySchema,
  revokedCountSchema,
  sessionFootprintSchema,
  sessionIdSchema,
  sessionListSchema,
  sessionParamsSchema,
  sessionReplySchema,
  sessionUserIdSchema,
  sessionViewSchema,
  userParamsSchema,
  validateSessionInputSchema,
} from './session-schemas.ts';
export type { TrackedGet } from './tracked-epochs.ts';
export { TrackedEpochs } from './tracked-epochs.ts';
