import type { FlowStore } from './flow-store.ts';
import { newFlowId } from './new-flow-id.ts';

export interface MfaChallenge {
  userId: string;
  tenantId: string;
  /** When the password step succeeded (Unix seconds). */
  passwordAt: number;
}

/**
 * The `mfaToken` between a correct password and the second factor: opaque, stored server-side
 * for `ttlSeconds`, bound to the user and tenant the password step resolved, spent once.
 */
export function createMfaChallenges({ flows, ttlSeconds = 300 }: { flows: FlowStore; ttlSeconds?: number }) {
  return Object.freeze({
    async issue({ userId, tenantId }: { userId: string; tenantId: string }): Promise<string> {
      const mfaToken = newFlowId();
      const passwordAt = Math.floor(Date.now() / 1000);
      await flows.put({ kind: 'mfa', id: mfaToken, payload: { userId, tenantId, passwordAt }, ttlSeconds });
      return mfaToken;
    },

    /** The pending challenge, left in place so a mistyped code can be retried (the factor counts failures). */
    async peek(mfaToken: string): Promise<MfaChallenge | null> {
      return parse(await flows.get({ kind: 'mfa', id: mfaToken }));
    },

    /** Spends the challenge; `null` if it was already spent (a concurrent or replayed completion). */
    async spend(mfaToken: string): Promise<MfaChallenge | null> {
      return parse(await flows.take({ kind: 'mfa', id: mfaToken }));
    },
  });
}

function parse(payload: Record<string, unknown> | null): MfaChallenge | null {
  if (!payload) return null;
  const { userId, tenantId, passwordAt } = payload;
  if (typeof userId !== 'string' || typeof tenantId !== 'string' || typeof passwordAt !== 'number') return null;
  return { userId, tenantId, passwordAt };
}

export type MfaChallenges = ReturnType<typeof createMfaChallenges>;
