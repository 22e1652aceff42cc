import { normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';
import { appendEvent } from '../events/append-event.ts';
import { emailSkeleton } from '../users/email-skeleton.ts';

export interface SignInWithOidcInput {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** A signed-in user connecting this provider to their own account: bind to them, whatever the email. */
  linkToUserId?: string;
  /**
   * Whether this provider's verified email may join an existing account that proved the same
   * address. Off, such a sign-in is refused (`link_required`) and the account's holder connects the
   * provider signed in: trusting every provider's verification equally would let the laxest one
   * open any account. @default false
   */
  linkByVerifiedEmail?: boolean;
  /**
   * Off, a sign-in that would create a user writes nothing and answers `needsSignUp`, so the
   * caller can ask the before-sign-up hook outside this transaction and come back. @default true
   */
  createUser?: boolean;
  /** @default 'Personal' */
  tenantName?: string;
}

export type OidcSignInOutcome =
  | { userId: string; outcome: 'existing' | 'linked' | 'created' }
  /**
   * Nothing was written. `unverified_email`: the provider did not verify the address.
   * `unproven_account`: an account holds the address but never proved it (a password sign-up), so
   * only its holder, signed in, may connect the provider. `link_required`: an account proved the
   * address, but this provider may not join accounts by email. `identity_taken`: the provider
   * identity already belongs to another account. `look_alike`: another account's address looks
   * like this one (the same confusable skeleton), and a new account under it could pass for that one.
   */
  | { refused: 'unverified_email' | 'unproven_account' | 'link_required' | 'identity_taken' | 'look_alike' }
  /** Only with `createUser: false`: the sign-in would create a user; nothing was written. */
  | { needsSignUp: true };

/**
 * In the caller's transaction: the user bound to (issuer, subject); else, for a signed-in user
 * linking, that user; else, where the provider is trusted to, the account with this email if it
 * proved the address; else a new user with a personal tenant. Only on an address the provider
 * verified.
 */
export async function signInWithOidc(
  client: PoolClient,
  {
    issuer,
    subject,
    email,
    emailVerified,
    linkToUserId,
    linkByVerifiedEmail = false,
    createUser = true,
    tenantName = 'Personal',
  }: SignInWithOidcInput,
): Promise<OidcSignInOutcome> {
  const bound = await client.query<{ user_id: string }>(
    'SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2',
    [issuer, subject],
  );
  const boundTo = bound.rows[0]?.user_id;
  if (linkToUserId !== undefined) {
    if (boundTo !== undefined && boundTo !== linkToUserId) return { refused: 'identity_taken' };
    if (boundTo === linkToUserId) return { userId: boundTo, outcome: 'existing' };
    await bind(client, issuer, subject, linkToUserId);
    return { userId: linkToUserId, outcome: 'linked' };
  }
  if (boundTo !== undefined) return { userId: boundTo, outcome: 'existing' };
  if (!email || !emailVerified) return { refused: 'unverified_email' };

  const normalized = normalizeEmail(email);
  // No conflict target: either unique index, the address's or its skeleton's, turns the insert away.
  const inserted = createUser
    ? await client.query<{ id: string }>(
        'INSERT INTO users (email, email_skeleton, email_verified_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING RETURNING id',
        [normalized, emailSkeleton(normalized)],
      )
    : { rows: [] };
  const createdId = inserted.rows[0]?.id;
  if (createdId === undefined) {
    const existing = await client.query<{ id: string; proven: boolean }>(
      'SELECT id, email_verified_at IS NOT NULL AS proven FROM users WHERE email = $1',
      [normalized],
    );
    const account = existing.rows[0];
    if (!account && !createUser) {
      const lookAlike = await client.query('SELECT 1 FROM users WHERE email_skeleton = $1', [
        emailSkeleton(normalized),
      ]);
      return lookAlike.rowCount ? { refused: 'look_alike' } : { needsSignUp: true };
    }
    if (!account) return { refused: 'look_alike' };
    if (!account.proven) return { refused: 'unproven_account' };
    if (!linkByVerifiedEmail) return { refused: 'link_required' };
    await bind(client, issuer, subject, account.id);
    return { userId: account.id, outcome: 'linked' };
  }
  const tenant = await client.query<{ id: string }>('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [
    tenantName,
  ]);
  const tenantId = tenant.rows[0]?.id as string;
  await client.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [
    tenantId,
    createdId,
  ]);
  await bind(client, issuer, subject, createdId);
  await appendEvent(client, { type: 'user.created', data: { userId: createdId, tenantId } });
  await appendEvent(client, { type: 'membership.added', data: { userId: createdId, tenantId, role: 'owner' } });
  return { userId: createdId, outcome: 'created' };
}

/** A concurrent first sign-in with the same subject fails here (unique key) and rolls back whole. */
async function bind(client: PoolClient, issuer: string, subject: string, userId: string) {
  await client.query('INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($1, $2, $3)', [
    issuer,
    subject,
    userId,
  ]);
}
