import { createHmac, type KeyObject } from 'node:crypto';
import { type Principal, principalAudience, principalIssuer } from './principal.ts';

export interface SignPrincipalOptions {
  principal: Principal;
  /** From `derivePrincipalKey`. */
  key: KeyObject;
  /** @default 30 */
  lifetimeSeconds?: number;
}

const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'authscale-principal+jwt' })).toString('base64url');

/**
 * The edge's assertion of who is calling, sent to internal services as `x-authscale-principal`.
 * An HS256 JWT built by hand with a synchronous HMAC: WebCrypto's asynchronous HMAC costs a trip
 * through the crypto thread pool per request, more than the hash itself. The claims and their order
 * are those jose's SignJWT wrote, so the bytes are the same.
 */
export async function signPrincipal({ principal, key, lifetimeSeconds = 30 }: SignPrincipalOptions): Promise<string> {
  if (!Number.isFinite(lifetimeSeconds)) throw new TypeError('lifetimeSeconds must be a finite number');
  const { userId, sessionId, tenantId, amr, acr, authTime, kind, scopes } = principal;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sid: sessionId,
    ...(tenantId ? { tid: tenantId } : {}),
    amr,
    acr,
    auth_time: authTime,
    kind,
    ...(scopes ? { scope: scopes.join(' ') } : {}),
    sub: userId,
    iss: principalIssuer,
    aud: principalAudience,
    iat: now,
    exp: now + Math.round(lifetimeSeconds),
  };
  const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}
