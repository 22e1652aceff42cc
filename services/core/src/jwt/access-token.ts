/** The access token profile shared by the issuer (orchestrator) and every verifier. */
export const accessTokenType = 'at+jwt';
export const accessTokenAlgorithm = 'ES256';

/** RFC 9068 claims plus our session and tenant ids. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  sid: string;
  tid: string;
  amr: string[];
  acr: string;
  auth_time: number;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}
