import { normalizeEmail } from '@authscale/core';
import type { Queryable } from '../postgres/queryable.ts';
import { emailSkeleton } from './email-skeleton.ts';
import { findHolder } from './find-email-holder.ts';

export type ChangeEmailResult =
  | { changed: true }
  | { changed: false; reason: 'moved_on' }
  | { changed: false; reason: 'taken'; existingUserId: string | null };

export interface ChangeEmailInput {
  userId: string;
  /** The address the change was asked from: a link mailed before another change does nothing. */
  from: string;
  /** The new address, which the caller has proven the user receives mail at. */
  to: string;
}

/**
 * Moves an enabled user from one address to another that they proved (by a link mailed there), so
 * the new address is verified from now on. An address another account took meanwhile, or one that
 * looks like another account's (the same confusable skeleton), changes nothing and names that
 * account (the caller must not reveal it); the unique indexes settle a race.
 */
export async function changeEmail(db: Queryable, { userId, from, to }: ChangeEmailInput): Promise<ChangeEmailResult> {
  const normalized = normalizeEmail(to);
  const skeleton = emailSkeleton(normalized);
  try {
    const { rowCount } = await db.query(
      `UPDATE users SET email = $3, email_skeleton = $4, email_verified_at = now()
       WHERE id = $1 AND email = $2 AND disabled_at IS NULL`,
      [userId, normalizeEmail(from), normalized, skeleton],
    );
    return rowCount === 1 ? { changed: true } : { changed: false, reason: 'moved_on' };
  } catch (error) {
    if ((error as { code?: string } | null)?.code !== '23505') throw error;
    return { changed: false, reason: 'taken', existingUserId: await findHolder(db, normalized, skeleton) };
  }
}
