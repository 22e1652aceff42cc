import type { MembershipRole } from '../types.ts';

export interface Member {
  userId: string;
  email: string;
  role: MembershipRole;
  joinedAt: string;
}

export interface MemberRow {
  user_id: string;
  email: string;
  role: MembershipRole;
  created_at: Date;
}

export const toMember = (row: MemberRow): Member => ({
  userId: row.user_id,
  email: row.email,
  role: row.role,
  joinedAt: row.created_at.toISOString(),
});
