import type { Queryable } from '../postgres/queryable.ts';
import type { MembershipRole } from '../types.ts';
import { toUserSummary, type UserSummary } from './search-users.ts';

/** Everything an operator answering a support ticket needs about one account, no secrets. */
export interface UserDetail extends UserSummary {
  disabledAt: string | null;
  factors: { password: boolean; passkeys: number; totp: boolean; oidcIssuers: string[] };
  memberships: Array<{ tenantId: string; tenantName: string; role: MembershipRole; joinedAt: string }>;
}

/** One user with their factors and tenants, disabled or not; null for an unknown id. */
export async function describeUser(db: Queryable, { userId }: { userId: string }): Promise<UserDetail | null> {
  const { rows } = await db.query<{
    id: string;
    email: string;
    email_verified: boolean;
    disabled: boolean;
    disabled_at: Date | null;
    created_at: Date;
    password: boolean;
    passkeys: number;
    totp: boolean;
    oidc_issuers: string[];
    memberships: Array<{ tenantId: string; tenantName: string; role: MembershipRole; joinedAt: string }>;
  }>(
    `SELECT u.id, u.email, u.email_verified_at IS NOT NULL AS email_verified, u.disabled_at IS NOT NULL AS disabled,
       u.disabled_at, u.created_at,
       EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = u.id) AS password,
       (SELECT count(*)::int FROM webauthn_credentials w WHERE w.user_id = u.id) AS passkeys,
       EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id AND t.activated_at IS NOT NULL) AS totp,
       ARRAY(SELECT DISTINCT o.issuer FROM oidc_identities o WHERE o.user_id = u.id ORDER BY o.issuer) AS oidc_issuers,
       coalesce((SELECT json_agg(json_build_object('tenantId', m.tenant_id, 'tenantName', t.name, 'role', m.role,
           'joinedAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY m.created_at)
         FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = u.id), '[]') AS memberships
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...toUserSummary(row),
    disabledAt: row.disabled_at?.toISOString() ?? null,
    factors: { password: row.password, passkeys: row.passkeys, totp: row.totp, oidcIssuers: row.oidc_issuers },
    memberships: row.memberships,
  };
}
