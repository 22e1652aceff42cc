import { decodeProtectedHeader, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AuthError, isAuthError } from '../errors.ts';
import { type AccessTokenClaims, accessTokenAlgorithm, accessTokenType } from './access-token.ts';

export interface VerifyAccessTokenOptions {
  token: string;
  /** A key resolver: `createJwksCache` at the edge, `createLocalJWKSet` next to the issuer. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** @default 5 */
  clockToleranceSeconds?: number;
}

// Header parameters that point at or carry a key: a verifier that honoured them would let the
// token choose its own key. We resolve keys by `kid` from our JWKS only.
const keyCarryingHeaders = ['jwk', 'jku', 'x5c', 'x5u'] as const;

/**
 * Verifies an access JWT with the algorithm, issuer, audience and `typ` pinned and `exp`, `nbf`
 * and a `kid` required. Any failure of the token is `AuthError('unauthenticated')`, the reason in
 * `cause`; keys that cannot be fetched are `dependency_unavailable`.
 */
export async function verifyAccessToken({
  token,
  keys,
  issuer,
  audience,
  clockToleranceSeconds = 5,
}: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  try {
    const header = decodeProtectedHeader(token);
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw new Error('the token has no kid');
    const carried = keyCarryingHeaders.filter((name) => name in header);
    if (carried.length > 0) throw new Error(`the token carries key headers: ${carried.join(', ')}`);
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [accessTokenAlgorithm],
      issuer,
      audience,
      typ: accessTokenType,
      requiredClaims: ['exp', 'nbf', 'iat', 'sub', 'sid', 'tid', 'jti'],
      clockTolerance: clockToleranceSeconds,
    });
    if (typeof payload.sid !== 'string' || typeof payload.tid !== 'string' || !Array.isArray(payload.amr)) {
      throw new Error('the token has malformed claims');
    }
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (isAuthError(error) && error.code === 'dependency_unavailable') throw error;
    throw new AuthError('unauthenticated', undefined, { cause: error });
  }
}
