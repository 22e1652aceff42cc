import type { Queryable } from '../postgres/queryable.ts';

/**
 * Deletes every pending flow bound to the user: passkey registration challenges, MFA tokens
 * between the first and second factor, step-up elevations. Passkey sign-in challenges name no
 * user until they are answered, and the sign-in they lead to refuses a disabled user.
 */
export async function deleteUserFlows(db: Queryable, { userId }: { userId: string }): Promise<number> {
  const { rowCount } = await db.query("DELETE FROM auth_flows WHERE payload->>'userId' = $1", [userId]);
  return rowCount ?? 0;
}
