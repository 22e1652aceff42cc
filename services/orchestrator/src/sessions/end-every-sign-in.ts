import type { OrchestratorDependencies } from '../dependencies.ts';

/**
 * Signs the user out everywhere: every refresh family ends with one write (families created
 * before now are refused), then every session on the replicas, then `session.revoked` for all of
 * them. Safe to repeat. Resolves with how many sessions were live.
 */
export async function endEverySignIn(
  deps: Pick<OrchestratorDependencies, 'identity' | 'sessions' | 'refreshTokens'>,
  { userId }: { userId: string },
): Promise<number> {
  await deps.refreshTokens.revokeUser({ userId });
  const sessionsRevoked = await deps.sessions.revokeAll(userId);
  await deps.identity.events.publish({ type: 'session.revoked', data: { userId, sessionId: null, reason: 'revoked' } });
  return sessionsRevoked;
}
