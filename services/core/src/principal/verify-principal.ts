import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';
import { Value } from 'typebox/value';
import { type Principal, principalAudience, principalIssuer, principalSchema } from './principal.ts';

export interface VerifyPrincipalOptions {
  assertion: string;
  /**
   * From `derivePrincipalKey`, or the keys a rotation accepts (`principalKeys(...).verifying`),
   * tried in order: the assertion is kid-less, and almost every one is signed with the first.
   */
  key: KeyObject | readonly KeyObject[];
  /** @default 5 */
  clockToleranceSeconds?: number;
}

type Claims = Record<string, unknown>;

const required = ['exp', 'iat', 'sub', 'sid', 'iss', 'aud'];

const jsonObject = (encoded: string): Claims | null => {
  const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString());
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Claims) : null;
};

// jose compares media types case-insensitively and with or without the `application/` prefix.
const isPrincipalTyp = (typ: unknown) =>
  typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === 'authscale-principal+jwt';

/**
 * The checks jose's jwtVerify made, done synchronously (see `signPrincipal` for why). The MAC is
 * checked first, so nothing an outsider wrote is parsed. Comparing the base64url text rather than
 * the decoded bytes also refuses other spellings of a valid signature.
 */
function verifiedClaims(assertion: string, keys: readonly KeyObject[], tolerance: number): Claims | null {
  const parts = typeof assertion === 'string' ? assertion.split('.') : [];
  if (parts.length !== 3) return null;
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  const given = Buffer.from(signature);
  const signedWith = (key: KeyObject) => {
    const expected = Buffer.from(
      createHmac('sha256', key).update(`${encodedHeader}.${encodedPayload}`).digest('base64url'),
    );
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (!keys.some(signedWith)) return null;
  const header = jsonObject(encodedHeader);
  // No `crit` extension is ever set by the signer, so any is refused rather than interpreted.
  if (header?.alg !== 'HS256' || header.crit !== undefined || !isPrincipalTyp(header.typ)) return null;
  const claims = jsonObject(encodedPayload);
  if (!claims || required.some((claim) => !Object.hasOwn(claims, claim))) return null;
  const { iss, aud, iat, nbf, exp } = claims;
  if (iss !== principalIssuer) return null;
  if (aud !== principalAudience && !(Array.isArray(aud) && aud.includes(principalAudience))) return null;
  const now = Math.floor(Date.now() / 1000);
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= now - tolerance) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) return null;
  return claims;
}

/** The principal in a valid assertion, or null for anything else: no detail for a forger to learn from. */
export async function verifyPrincipal({
  assertion,
  key,
  clockToleranceSeconds = 5,
}: VerifyPrincipalOptions): Promise<Principal | null> {
  try {
    const payload = verifiedClaims(assertion, key instanceof KeyObject ? [key] : key, clockToleranceSeconds);
    if (!payload) return null;
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
