import { normalizeEmail } from '@authscale/core';
import type { PoolClient } from 'pg';
import { appendEvent } from '../events/append-event.ts';
import { emailSkeleton } from './email-skeleton.ts';
import { findHolder } from './find-email-holder.ts';

export interface SignUpWithPasswordOptions {
  email: string;
  passwordHash: string;
  /** @default 'Personal' */
  tenantName?: string;
}

export type SignUpResult = { created: true; userId: string; tenantId: string } | { created: false; userId: string };

/**
 * Creates the user, a personal tenant they own and their password credential, in the caller's
 * transaction, with the `user.created` and `membership.added` events. An email already in use, or one that looks like it (the same confusable skeleton),
 * changes nothing and reports the holder's id, which the caller must not reveal.
 */
export async function signUpWithPassword(
  client: PoolClient,
  { email, passwordHash, tenantName = 'Personal' }: SignUpWithPasswordOptions,
): Promise<SignUpResult> {
  const normalized = normalizeEmail(email);
  const skeleton = emailSkeleton(normalized);
  // No conflict target: either unique index, the address's or its skeleton's, turns the insert away.
  const inserted = await client.query<{ id: string }>(
    'INSERT INTO users (email, email_skeleton) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id',
    [normalized, skeleton],
  );
  const userId = inserted.rows[0]?.id;
  if (!userId) return { created: false, userId: (await findHolder(client, normalized, skeleton)) as string };
  const tenant = await client.query<{ id: string }>('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [
    tenantName,
  ]);
  const tenantId = tenant.rows[0]?.id as string;
  await client.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, userId]);
  await client.query('INSERT INTO password_credentials (user_id, hash) VALUES ($1, $2)', [userId, passwordHash]);
  await appendEvent(client, { type: 'user.created', data: { userId, tenantId } });
  await appendEvent(client, { type: 'membership.added', data: { userId, tenantId, role: 'owner' } });
  return { created: true, userId, tenantId };
}
