import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export const issuer = 'https://auth.example.test';
export const audience = 'authscale-api';

/** A fresh ES256 issuer key (`kid` k1): its public JWK, and access tokens signed with it. */
export async function signingKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const sign = (expiresIn = '15m') =>
    new SignJWT({ sid: 's1', tid: 't1', amr: ['pwd'], acr: 'aal1', auth_time: 1, jti: 'j1' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .setSubject('u1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(expiresIn)
      .sign(privateKey);
  return { publicJwk, sign };
}
