import { randomUUID } from 'node:crypto';
import { accessTokenAlgorithm, accessTokenType } from '@authscale/core';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  tenantId: string;
  amr: string[];
  acr: string;
  authTime: number;
}

export interface IssueAccessTokenOptions {
  keys: Pick<SigningKeys, 'activeKid' | 'privateKey'>;
  issuer: string;
  audience: string;
  subject: AccessTokenSubject;
  /** The before-token hook's claims, each under its namespace: they cannot name a claim set here. */
  addedClaims?: Record<string, unknown>;
  /** @default 900 (15 minutes) */
  lifetimeSeconds?: number;
}

/**
 * How long before its issuance a token is already valid (`nbf`): a verifier whose clock is this
 * much behind the orchestrator's accepts it at once, where `nbf = iat` refused every fresh token of
 * an orchestrator 30 s ahead (`npm run chaos -- orchestrator-clock-ahead`). `exp` gets no such
 * allowance, so a token never lives longer for it.
 */
export const notBeforeLeewaySeconds = 60;

/** An RFC 9068 access token (`typ: at+jwt`), ES256, signed by the active key. */
export async function issueAccessToken({
  keys,
  issuer,
  audience,
  subject,
  addedClaims = {},
  lifetimeSeconds = 900,
}: IssueAccessTokenOptions): Promise<{ accessToken: string; expiresIn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT({
    ...addedClaims,
    sid: subject.sessionId,
    tid: subject.tenantId,
    amr: subject.amr,
    acr: subject.acr,
    auth_time: subject.authTime,
  })
    .setProtectedHeader({ alg: accessTokenAlgorithm, typ: accessTokenType, kid: keys.activeKid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(subject.userId)
    .setIssuedAt(now)
    .setNotBefore(now - notBeforeLeewaySeconds)
    .setExpirationTime(now + lifetimeSeconds)
    .setJti(randomUUID())
    .sign(keys.privateKey);
  return { accessToken, expiresIn: lifetimeSeconds };
}
