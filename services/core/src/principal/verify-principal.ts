import { jwtVerify } from 'jose';
import { Value } from 'typebox/value';
import { hmacKey } from './hmac-key.ts';
import { type Principal, principalAudience, principalIssuer, principalSchema } from './principal.ts';

export interface VerifyPrincipalOptions {
  assertion: string;
  /** From `derivePrincipalKey`. */
  key: Uint8Array;
  /** @default 5 */
  clockToleranceSeconds?: number;
}

/** The principal in a valid assertion, or null for anything else: no detail for a forger to learn from. */
export async function verifyPrincipal({
  assertion,
  key,
  clockToleranceSeconds = 5,
}: VerifyPrincipalOptions): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(assertion, await hmacKey(key), {
      algorithms: ['HS256'],
      issuer: principalIssuer,
      audience: principalAudience,
      typ: 'authscale-principal+jwt',
      requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      clockTolerance: clockToleranceSeconds,
    });
    const principal = {
      userId: payload.sub,
      sessionId: payload.sid,
      ...(payload.tid === undefined ? {} : { tenantId: payload.tid }),
      amr: payload.amr,
      acr: payload.acr,
      authTime: payload.auth_time,
      kind: payload.kind,
      ...(typeof payload.scope === 'string' ? { scopes: payload.scope.split(' ').filter(Boolean) } : {}),
    };
    return Value.Check(principalSchema, principal) ? principal : null;
  } catch {
    return null;
  }
}
