import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  base64url,
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { verifyAccessToken } from '../../src/index.ts';

const issuer = 'https://auth.example.test';
const audience = 'authscale-api';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type PrivateKey = KeyPair['privateKey'];

describe('verifyAccessToken', () => {
  let signingKey: PrivateKey;
  let publicPem: string;
  let keys: JWTVerifyGetKey;
  let attacker: KeyPair;

  const claims = (): JWTPayload => ({
    sid: 'session-1',
    tid: '6f1c1a6e-5c1b-4d43-9a3b-4b0f3f0f2b11',
    amr: ['pwd'],
    acr: 'aal1',
    auth_time: Math.floor(Date.now() / 1000),
    jti: 'jti-1',
  });

  function token(
    {
      header = {},
      payload = {},
      key = signingKey,
      expiresIn = '15m',
      notBefore = '0s',
    }: {
      header?: Record<string, unknown>;
      payload?: JWTPayload;
      key?: PrivateKey | Uint8Array;
      expiresIn?: string | number;
      notBefore?: string | number;
    } = {},
    signOptions: Parameters<SignJWT['sign']>[1] = undefined,
  ) {
    return new SignJWT({ ...claims(), iss: issuer, aud: audience, ...payload })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header })
      .setSubject('user-1')
      .setIssuedAt()
      .setNotBefore(notBefore)
      .setExpirationTime(expiresIn)
      .sign(key, signOptions);
  }

  const verify = (value: string) => verifyAccessToken({ token: value, keys, issuer, audience });
  const rejected = (value: string) => assert.rejects(verify(value), { code: 'unauthenticated', statusCode: 401 });

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    attacker = await generateKeyPair('ES256', { extractable: true });
  });

  it('accepts a well-formed token and returns its claims', async () => {
    const result = await verify(await token());
    assert.equal(result.sub, 'user-1');
    assert.equal(result.sid, 'session-1');
    assert.deepEqual(result.amr, ['pwd']);
  });

  it('rejects alg "none"', async () => {
    const [, payload] = (await token()).split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k1' }));
    await rejected(`${header}.${payload}.`);
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    const forged = await token({ header: { alg: 'HS256' }, key: new TextEncoder().encode(publicPem) });
    await rejected(forged);
  });

  it('rejects an unknown kid', async () => {
    await rejected(await token({ header: { kid: 'k-unknown' }, key: attacker.privateKey }));
  });

  it('rejects a token without a kid', async () => {
    const [, payload, signature] = (await token()).split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }));
    await rejected(`${header}.${payload}.${signature}`);
  });

  it('rejects an expired token', async () => {
    await rejected(await token({ expiresIn: Math.floor(Date.now() / 1000) - 60 }));
  });

  it('rejects a token whose nbf is in the future', async () => {
    await rejected(await token({ notBefore: '10m' }));
  });

  it('rejects a token without exp', async () => {
    const unsigned = new SignJWT({ ...claims() })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore('0s');
    await rejected(await unsigned.sign(signingKey));
  });

  it('rejects a wrong issuer, audience or typ', async () => {
    await rejected(await token({ payload: { iss: 'https://evil.example' } }));
    await rejected(await token({ payload: { aud: 'someone-else' } }));
    await rejected(await token({ header: { typ: 'JWT' } }));
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = (await token()).split('.');
    const changed = JSON.parse(new TextDecoder().decode(base64url.decode(payload as string)));
    changed.sub = 'admin';
    await rejected(`${header}.${base64url.encode(JSON.stringify(changed))}.${signature}`);
  });

  it('rejects a token that embeds its own key', async () => {
    const jwk = await exportJWK(attacker.publicKey);
    await rejected(await token({ header: { jwk }, key: attacker.privateKey }));
    await rejected(await token({ header: { jku: 'https://evil.example/jwks.json' } }));
  });

  it('rejects an unknown critical header', async () => {
    const critical = await token(
      { header: { crit: ['x-unknown'], 'x-unknown': true } },
      { crit: { 'x-unknown': true } },
    );
    await rejected(critical);
  });

  it('rejects a refresh token presented as an access token', async () => {
    await rejected(randomBytes(32).toString('base64url'));
  });

  it('rejects garbage without throwing anything but AuthError', async () => {
    for (const value of ['', 'a.b.c', '....', 'x'.repeat(10_000), 'eyJhbGciOiJFUzI1NiJ9.e30.']) await rejected(value);
  });
});
