import { SignJWT } from 'jose';
import { hmacKey } from './hmac-key.ts';
import { type Principal, principalAudience, principalIssuer } from './principal.ts';

export interface SignPrincipalOptions {
  principal: Principal;
  /** From `derivePrincipalKey`. */
  key: Uint8Array;
  /** @default 30 */
  lifetimeSeconds?: number;
}

/** The edge's assertion of who is calling, sent to internal services as `x-authscale-principal`. */
export async function signPrincipal({ principal, key, lifetimeSeconds = 30 }: SignPrincipalOptions): Promise<string> {
  const { userId, sessionId, tenantId, amr, acr, authTime, kind, scopes } = principal;
  return new SignJWT({
    sid: sessionId,
    ...(tenantId ? { tid: tenantId } : {}),
    amr,
    acr,
    auth_time: authTime,
    kind,
    ...(scopes ? { scope: scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'authscale-principal+jwt' })
    .setSubject(userId)
    .setIssuer(principalIssuer)
    .setAudience(principalAudience)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(await hmacKey(key));
}
