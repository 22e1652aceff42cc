import type { PoolClient } from 'pg';
import { normalizeEmail } from '../lib/normalize-email.ts';

export interface SignInWithOidcInput {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** @default 'Personal' */
  tenantName?: string;
}

export type OidcSignInOutcome = { userId: string; outcome: 'existing' | 'linked' | 'created' };

/**
 * In the caller's transaction: the user bound to (issuer, subject); else the identity is linked to
 * the user with this email, or a user with a personal tenant is created, but only on an email the
 * provider verified. `null` when neither is allowed: nothing is written.
 */
export async function signInWithOidc(
  client: PoolClient,
  { issuer, subject, email, emailVerified, tenantName = 'Personal' }: SignInWithOidcInput,
): Promise<OidcSignInOutcome | null> {
  const bound = await client.query<{ user_id: string }>(
    'SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2',
    [issuer, subject],
  );
  if (bound.rows[0]) return { userId: bound.rows[0].user_id, outcome: 'existing' };
  if (!email || !emailVerified) return null;

  const normalized = normalizeEmail(email);
  const inserted = await client.query<{ id: string }>(
    'INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id',
    [normalized],
  );
  let userId = inserted.rows[0]?.id;
  const outcome = userId ? 'created' : 'linked';
  if (userId) {
    const tenant = await client.query<{ id: string }>('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [
      tenantName,
    ]);
    await client.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      tenant.rows[0]?.id,
      userId,
    ]);
  } else {
    const existing = await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [normalized]);
    userId = existing.rows[0]?.id as string;
  }
  // A concurrent first sign-in with the same subject fails here (unique key) and rolls back whole.
  await client.query('INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($1, $2, $3)', [
    issuer,
    subject,
    userId,
  ]);
  return { userId, outcome };
}
