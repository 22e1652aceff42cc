import type { OrchestratorDependencies } from '../dependencies.ts';

/**
 * Ends every session of the user but `keepSessionId`, each with its refresh-token family (the
 * family id is the session id) and a `session.revoked` event. A family whose session is already
 * gone needs nothing: refresh refuses a family without a live session. Returns how many sessions
 * were ended.
 */
export async function revokeOtherSessions(
  deps: Pick<OrchestratorDependencies, 'sessions' | 'refreshTokens' | 'identity'>,
  { userId, keepSessionId, reason }: { userId: string; keepSessionId: string; reason: string },
): Promise<number> {
  const others = (await deps.sessions.list(userId)).filter(({ sid }) => sid !== keepSessionId);
  await Promise.all(
    others.map(async ({ sid }) => {
      await deps.sessions.revoke(userId, sid);
      await deps.refreshTokens.revokeFamily({ familyId: sid, reason });
      await deps.identity.events.publish({
        type: 'session.revoked',
        data: { userId, sessionId: sid, reason: 'revoked' },
      });
    }),
  );
  return others.length;
}
