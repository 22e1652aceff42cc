import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';
import { emailSkeleton } from './email-skeleton.ts';

/**
 * The id of the account that holds the address or one that looks like it (the same confusable
 * skeleton), disabled or not (it still holds it), or null. For decisions the caller must not
 * reveal: whether to mail a confirmation link, not what to answer.
 */
export async function findEmailHolder(db: Queryable, { email }: { email: string }): Promise<string | null> {
  const normalized = normalizeEmail(email);
  return findHolder(db, normalized, emailSkeleton(normalized));
}

/** The holder of the normal form `email` or of its `skeleton`; the address itself first. */
export async function findHolder(db: Queryable, email: string, skeleton: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM users WHERE email = $1 OR email_skeleton = $2 ORDER BY email = $1 DESC LIMIT 1',
    [email, skeleton],
  );
  return rows[0]?.id ?? null;
}
