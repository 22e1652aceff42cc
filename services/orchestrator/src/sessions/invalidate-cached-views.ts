import type { FastifyBaseLogger } from 'fastify';
import type { OrchestratorDependencies } from '../dependencies.ts';

/**
 * After a change to what `/me` says about a user (email, memberships, roles): edges keep `/me`
 * answers beside their near-cached sessions and drop them when the user's epoch moves. The change
 * is already committed, so a failure here does not undo it; the edges then catch up within their
 * near cache's max age.
 */
export async function invalidateCachedViews(
  deps: Pick<OrchestratorDependencies, 'sessions'>,
  log: FastifyBaseLogger,
  userId: string,
): Promise<void> {
  try {
    await deps.sessions.invalidateUser(userId);
  } catch (error) {
    log.warn({ err: error, userId }, 'edges not told of a change to the user; they catch up within their max age');
  }
}
