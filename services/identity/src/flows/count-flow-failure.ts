import type { Queryable } from '../postgres/queryable.ts';
import { flowIdHash } from './flow-id-hash.ts';

/**
 * Counts one wrong answer against a live flow (`attempts` in its payload) and deletes the flow at
 * `maxAttempts`: one statement each, so parallel guesses cannot share a count. Returns the
 * attempts left, 0 once the flow is gone (or was never there).
 */
export async function countFlowFailure(
  db: Queryable,
  { kind, id, maxAttempts }: { kind: string; id: string; maxAttempts: number },
): Promise<number> {
  const idHash = flowIdHash(id);
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE auth_flows
     SET payload = jsonb_set(payload, '{attempts}', to_jsonb(coalesce((payload->>'attempts')::int, 0) + 1))
     WHERE kind = $1 AND id_hash = $2 AND expires_at > now()
     RETURNING (payload->>'attempts')::int AS attempts`,
    [kind, idHash],
  );
  const attempts = rows[0]?.attempts;
  if (attempts === undefined) return 0;
  if (attempts < maxAttempts) return maxAttempts - attempts;
  await db.query('DELETE FROM auth_flows WHERE kind = $1 AND id_hash = $2', [kind, idHash]);
  return 0;
}
