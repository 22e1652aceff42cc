import { normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';

export interface SignUpWithPasswordOptions {
  email: string;
  passwordHash: string;
  /** @default 'Personal' */
  tenantName?: string;
}

export type SignUpResult = { created: true; userId: string; tenantId: string } | { created: false; userId: string };

/**
 * Creates the user, a personal tenant they own and their password credential, in the caller's
 * transaction. An email already in use changes nothing and reports the existing user's id, which
 * the caller must not reveal.
 */
export async function signUpWithPassword(
  client: PoolClient,
  { email, passwordHash, tenantName = 'Personal' }: SignUpWithPasswordOptions,
): Promise<SignUpResult> {
  const normalized = normalizeEmail(email);
  const inserted = await client.query<{ id: string }>(
    'INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id',
    [normalized],
  );
  const userId = inserted.rows[0]?.id;
  if (!userId) {
    const existing = await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [normalized]);
    return { created: false, userId: existing.rows[0]?.id as string };
  }
  const tenant = await client.query<{ id: string }>('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [
    tenantName,
  ]);
  const tenantId = tenant.rows[0]?.id as string;
  await client.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, userId]);
  await client.query('INSERT INTO password_credentials (user_id, hash) VALUES ($1, $2)', [userId, passwordHash]);
  return { created: true, userId, tenantId };
}
