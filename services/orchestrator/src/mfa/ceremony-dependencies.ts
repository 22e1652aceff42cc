import type { AuditEvent } from '@authscale/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CheckSignUp } from '../hooks/before-sign-up-hook.ts';
import type { OidcSignIn } from '../oidc/create-oidc-sign-in.ts';
import type { Passkeys } from '../passkeys/create-passkeys.ts';
import type { Totp } from '../totp/create-totp.ts';
import type { Elevation } from './create-elevation.ts';
import type { MfaChallenges } from './create-mfa-challenges.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** The end of every sign-in: a session, a refresh-token family, an access token and the cookie. */
export type CompleteSignIn = (input: {
  request: FastifyRequest;
  reply: FastifyReply;
  userId: string;
  tenantId: string;
  amr: string[];
  acr: string;
}) => Promise<TokenPair>;

/** What the passkey, TOTP and OIDC routes are built from. */
export interface CeremonyDependencies {
  totp: Totp;
  passkeys: Passkeys;
  oidc: OidcSignIn;
  mfaChallenges: MfaChallenges;
  elevation: Elevation;
  identity: {
    users: { get(input: { userId: string }): Promise<{ id: string; email: string } | null> };
    memberships: { defaultTenant(input: { userId: string }): Promise<string | null> };
    audit: { record(event: AuditEvent): Promise<unknown> };
    flows: { voidForUser(input: { kind: string; userId: string }): Promise<number> };
  };
  completeSignIn: CompleteSignIn;
  /** The before-sign-up hook, for a first OIDC sign-in that creates an account. */
  checkSignUp: CheckSignUp;
}
