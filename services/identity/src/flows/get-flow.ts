import type { Queryable } from '../postgres/queryable.ts';
import { flowIdHash } from './flow-id-hash.ts';

/** The payload of a live flow, left in place; `null` when unknown or expired. */
export async function getFlow(
  db: Queryable,
  { kind, id }: { kind: string; id: string },
): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query<{ payload: Record<string, unknown> }>(
    'SELECT payload FROM auth_flows WHERE kind = $1 AND id_hash = $2 AND expires_at > now()',
    [kind, flowIdHash(id)],
  );
  return rows[0]?.payload ?? null;
}
