import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { derivePrincipalKey, type Principal, signPrincipal, verifyPrincipal } from '../../src/index.ts';

const internalToken = 'an-internal-api-token-that-is-long-enough';
const key = derivePrincipalKey(internalToken);
const principal: Principal = {
  userId: 'user-1',
  sessionId: 'session-1',
  tenantId: 'tenant-1',
  amr: ['pwd'],
  acr: 'aal1',
  authTime: 1_700_000_000,
  kind: 'session',
};

describe('principal assertions', () => {
  it('round-trips a principal', async () => {
    const assertion = await signPrincipal({ principal, key });
    assert.deepEqual(await verifyPrincipal({ assertion, key }), principal);
  });

  it("round-trips an API key's principal with its scopes", async () => {
    const keyPrincipal: Principal = {
      userId: 'ak_0123456789abcdef',
      sessionId: 'ak_0123456789abcdef',
      tenantId: 'tenant-1',
      amr: [],
      acr: 'api_key',
      authTime: 0,
      kind: 'api_key',
      scopes: ['projects:read', 'projects:write'],
    };
    const assertion = await signPrincipal({ principal: keyPrincipal, key });
    assert.deepEqual(await verifyPrincipal({ assertion, key }), keyPrincipal);
  });

  it('refuses an assertion signed with another key', async () => {
    const assertion = await signPrincipal({ principal, key: derivePrincipalKey(`${internalToken}-other`) });
    assert.equal(await verifyPrincipal({ assertion, key }), null);
  });

  it('does not accept the raw internal token as the key', async () => {
    const assertion = await signPrincipal({ principal, key: createSecretKey(Buffer.from(internalToken)) });
    assert.equal(await verifyPrincipal({ assertion, key }), null);
  });

  it('refuses an expired assertion', async () => {
    const assertion = await new SignJWT({ sid: 's', amr: [], acr: 'aal1', auth_time: 1, kind: 'session' })
      .setProtectedHeader({ alg: 'HS256', typ: 'authscale-principal+jwt' })
      .setSubject('user-1')
      .setIssuer('authscale-edge')
      .setAudience('authscale-internal')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    assert.equal(await verifyPrincipal({ assertion, key }), null);
  });

  it('refuses a tampered or malformed assertion', async () => {
    const [header, , signature] = (await signPrincipal({ principal, key })).split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    assert.equal(await verifyPrincipal({ assertion: `${header}.${forgedPayload}.${signature}`, key }), null);
    assert.equal(await verifyPrincipal({ assertion: 'not-a-jws', key }), null);
  });

  it('refuses a signed assertion whose claims do not match the schema', async () => {
    const assertion = await new SignJWT({ sid: 's', amr: 'pwd', acr: 'aal1', auth_time: 1, kind: 'root' })
      .setProtectedHeader({ alg: 'HS256', typ: 'authscale-principal+jwt' })
      .setSubject('user-1')
      .setIssuer('authscale-edge')
      .setAudience('authscale-internal')
      .setIssuedAt()
      .setExpirationTime('30s')
      .sign(key);
    assert.equal(await verifyPrincipal({ assertion, key }), null);
  });

  it('refuses a short internal token at start-up', () => {
    assert.throws(() => derivePrincipalKey('short'), { code: 'ERR_AUTHSCALE_CONFIG' });
  });

  it('derives a 32-byte secret key object, the same one from the same token', () => {
    assert.equal(key.type, 'secret');
    assert.equal(key.symmetricKeySize, 32);
    assert.ok(key.equals(derivePrincipalKey(internalToken)));
    assert.ok(!key.equals(createSecretKey(Buffer.from(internalToken))));
  });
});
