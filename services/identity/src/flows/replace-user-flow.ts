import type { Queryable } from '../postgres/queryable.ts';
import { flowIdHash } from './flow-id-hash.ts';

export interface ReplaceUserFlowInput {
  kind: string;
  id: string;
  userId: string;
  payload: Record<string, unknown>;
  ttlSeconds: number;
}

/**
 * Stores a flow bound to one user and deletes every other flow of the same kind for that user, in
 * one statement: the latest link mailed is the only one that works. The payload keeps `userId`,
 * which is what `deleteUserFlows` looks for when the user is disabled.
 */
export async function replaceUserFlow(
  db: Queryable,
  { kind, id, userId, payload, ttlSeconds }: ReplaceUserFlowInput,
): Promise<void> {
  await db.query(
    `WITH voided AS (
       DELETE FROM auth_flows WHERE kind = $1 AND payload->>'userId' = $5
     )
     INSERT INTO auth_flows (kind, id_hash, payload, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [kind, flowIdHash(id), JSON.stringify({ ...payload, userId }), ttlSeconds, userId],
  );
}
