import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';
import type { User } from '../types.ts';

/**
 * The enabled user whose address is `email` and was proven (`email_verified_at`); null otherwise.
 * What a flow that mails a way into the account must look up: an address nobody proved may have
 * been registered by someone else, who would then share the account with its real holder.
 */
export async function findVerifiedUser(db: Queryable, { email }: { email: string }): Promise<User | null> {
  const { rows } = await db.query<User>(
    'SELECT id, email FROM users WHERE email = $1 AND email_verified_at IS NOT NULL AND disabled_at IS NULL',
    [normalizeEmail(email)],
  );
  return rows[0] ?? null;
}
