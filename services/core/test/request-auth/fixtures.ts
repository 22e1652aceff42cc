import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { RequestAuthClaims, RequestAuthSession } from '../../src/index.ts';

export const issuer = 'https://auth.example.test';
export const audience = 'authscale-api';

/** A signing key and a verifier pinned like the real one: ES256, issuer, audience and `typ`. */
export async function accessTokenKit() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });

  async function sign(
    claims: JWTPayload & Partial<RequestAuthClaims>,
    options: { expiresIn?: string; aud?: string } = {},
  ) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(options.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '15m')
      .sign(privateKey);
  }

  async function verify(jwt: string): Promise<RequestAuthClaims | null> {
    try {
      const { payload } = await jwtVerify(jwt, jwks, { algorithms: ['ES256'], issuer, audience, typ: 'at+jwt' });
      return payload as unknown as RequestAuthClaims;
    } catch {
      return null;
    }
  }

  return { sign, verify };
}

/** Sessions held in a Map: the stand-in for the session layer behind the plugin's options. */
export function sessionTable() {
  const byToken = new Map<string, RequestAuthSession>();
  return {
    create(userId: string): { token: string; session: RequestAuthSession } {
      const token = `${userId}.${randomBytes(32).toString('base64url')}`;
      const session = {
        sid: randomBytes(32).toString('base64url'),
        userId,
        tenantId: `tenant-of-${userId}`,
        amr: ['pwd'],
        acr: 'aal1',
        authTime: Date.now(),
      };
      byToken.set(token, session);
      return { token, session };
    },
    revoke(token: string) {
      byToken.delete(token);
    },
    async validateSessionToken(token: string) {
      return byToken.get(token) ?? null;
    },
    async isSessionLive(userId: string, sid: string) {
      return [...byToken.values()].some((session) => session.userId === userId && session.sid === sid);
    },
  };
}
