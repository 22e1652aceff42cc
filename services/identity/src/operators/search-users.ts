import type { Queryable } from '../postgres/queryable.ts';

/** A user as an operator's search lists them. */
export interface UserSummary {
  id: string;
  email: string;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface SearchUsersInput {
  /** Addresses that start with it (lower case, as they are stored). */
  emailPrefix?: string;
  userId?: string;
  /** The last address of the previous page. */
  after?: string;
  limit: number;
}

/**
 * Users by address prefix or id, in address order. The order and the prefix match are by byte
 * (`COLLATE "C"`), so the range is one scan of `users_by_email_bytes` and the cursor, the last
 * address of the page, is unambiguous.
 */
export async function searchUsers(
  db: Queryable,
  { emailPrefix = '', userId, after, limit }: SearchUsersInput,
): Promise<UserSummary[]> {
  const pattern = `${emailPrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const { rows } = await db.query<{
    id: string;
    email: string;
    email_verified: boolean;
    disabled: boolean;
    created_at: Date;
  }>(
    `SELECT id, email, email_verified_at IS NOT NULL AS email_verified, disabled_at IS NOT NULL AS disabled, created_at
     FROM users
     WHERE (email COLLATE "C") LIKE $1 AND ($2::uuid IS NULL OR id = $2::uuid)
       AND ($3::text IS NULL OR (email COLLATE "C") > $3)
     ORDER BY (email COLLATE "C") LIMIT $4`,
    [pattern, userId ?? null, after ?? null, limit],
  );
  return rows.map(toUserSummary);
}

export function toUserSummary(row: {
  id: string;
  email: string;
  email_verified: boolean;
  disabled: boolean;
  created_at: Date;
}): UserSummary {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
  };
}
