export type MembershipRole = 'owner' | 'admin' | 'member';

export interface User {
  id: string;
  email: string;
}

export interface PasswordLogin {
  userId: string;
  passwordHash: string;
}

export interface Project {
  id: string;
  name: string;
  createdAt: string;
}

export type AuditEventType =
  | 'signup'
  | 'signup.existing_email'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.email_code_sent'
  | 'logout'
  | 'refresh.replayed'
  | 'mfa.succeeded'
  | 'mfa.failed'
  | 'mfa.enrolled'
  | 'mfa.removed'
  | 'mfa.recovery_codes_replaced'
  | 'mfa.stepped_up'
  | 'mfa.email_recovery_requested'
  | 'mfa.email_recovery_cancelled'
  | 'password.changed'
  | 'password.change_failed'
  | 'email.change_requested'
  | 'email.changed'
  | 'email.change_conflict'
  | 'email.verification_sent'
  | 'email.verified'
  | 'password.reset_requested'
  | 'password.reset'
  | 'oidc.linked'
  | 'session.revoked'
  | 'signing_key.rotated'
  | 'tenant.created'
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'invitation.created'
  | 'invitation.accepted'
  | 'invitation.refused'
  | 'invitation.revoked'
  | 'user.disabled'
  | 'user.enabled'
  | 'admin.request'
  | 'user.erased'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'webhook.created'
  | 'webhook.secret_rotated'
  | 'webhook.deleted';

export interface AuditEvent {
  type: AuditEventType;
  userId?: string;
  tenantId?: string;
  ip?: string;
  /** Ids and codes only: never tokens, passwords or claims. */
  detail?: Record<string, string | number | boolean>;
}
