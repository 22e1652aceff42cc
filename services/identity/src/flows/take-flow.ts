import type { Queryable } from '../postgres/queryable.ts';
import { flowIdHash } from './flow-id-hash.ts';

/**
 * Deletes the flow and returns its payload if it was still live: one statement, so of two
 * concurrent callers exactly one gets it. An expired flow is deleted too and returns `null`.
 */
export async function takeFlow(
  db: Queryable,
  { kind, id }: { kind: string; id: string },
): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query<{ payload: Record<string, unknown>; live: boolean }>(
    'DELETE FROM auth_flows WHERE kind = $1 AND id_hash = $2 RETURNING payload, expires_at > now() AS live',
    [kind, flowIdHash(id)],
  );
  const row = rows[0];
  return row?.live ? row.payload : null;
}
