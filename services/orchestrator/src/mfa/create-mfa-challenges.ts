import type { FlowStore } from './flow-store.ts';
import { newFlowId } from './new-flow-id.ts';

export interface MfaChallenge {
  userId: string;
  tenantId: string;
  /** The first factor's method: a password, a federated sign-in, or a code or link mailed to the account. */
  firstFactor: 'pwd' | 'fed' | 'email';
  /** When the first factor succeeded (Unix seconds). */
  firstFactorAt: number;
}

/**
 * The `mfaToken` between a first factor (password, OIDC or a mailed code) and the second: opaque, stored
 * server-side for `ttlSeconds`, bound to the user and tenant the first step resolved, spent once.
 */
export function createMfaChallenges({ flows, ttlSeconds = 300 }: { flows: FlowStore; ttlSeconds?: number }) {
  return Object.freeze({
    async issue({ userId, tenantId, firstFactor }: Omit<MfaChallenge, 'firstFactorAt'>): Promise<string> {
      const mfaToken = newFlowId();
      const firstFactorAt = Math.floor(Date.now() / 1000);
      const payload = { userId, tenantId, firstFactor, firstFactorAt };
      await flows.put({ kind: 'mfa', id: mfaToken, payload, ttlSeconds });
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
  const { userId, tenantId, firstFactor, firstFactorAt } = payload;
  if (typeof userId !== 'string' || typeof tenantId !== 'string' || typeof firstFactorAt !== 'number') return null;
  if (firstFactor !== 'pwd' && firstFactor !== 'fed' && firstFactor !== 'email') return null;
  return { userId, tenantId, firstFactor, firstFactorAt };
}

export type MfaChallenges = ReturnType<typeof createMfaChallenges>;
