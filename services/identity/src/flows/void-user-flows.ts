import type { Queryable } from '../postgres/queryable.ts';

/** Deletes the user's flows of one kind (a pending request they cancelled); returns how many. */
export async function voidUserFlows(
  db: Queryable,
  { kind, userId }: { kind: string; userId: string },
): Promise<number> {
  const { rowCount } = await db.query("DELETE FROM auth_flows WHERE kind = $1 AND payload->>'userId' = $2", [
    kind,
    userId,
  ]);
  return rowCount ?? 0;
}
