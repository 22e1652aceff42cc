import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';

/**
 * The id of the account that holds the address, disabled or not (it still holds it), or null. For
 * decisions the caller must not reveal: whether to mail a confirmation link, not what to answer.
 */
export async function findEmailHolder(db: Queryable, { email }: { email: string }): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [normalizeEmail(email)]);
  return rows[0]?.id ?? null;
}
