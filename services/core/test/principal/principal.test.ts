import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { derivePrincipalKey, type Principal, principalKeys, signPrincipal, verifyPrincipal } from '../../src/index.ts';

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

  it('across a rotation, accepts assertions signed with the current, previous or next key, and no other', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(43)) as [string, string, string, string];
    // A task that has not restarted since the rotation, and one that has.
    const before = principalKeys({ previous: a, current: b, next: c });
    const after = principalKeys({ previous: b, current: c, next: d });
    assert.ok(before.signing.equals(derivePrincipalKey(b)));
    assert.equal(after.verifying.length, 3);
    const signedBy = (keys: typeof before) => signPrincipal({ principal, key: keys.signing });
    assert.deepEqual(await verifyPrincipal({ assertion: await signedBy(before), key: after.verifying }), principal);
    assert.deepEqual(await verifyPrincipal({ assertion: await signedBy(after), key: before.verifying }), principal);
    const twoRotationsOld = principalKeys({ current: a });
    assert.equal(await verifyPrincipal({ assertion: await signedBy(twoRotationsOld), key: after.verifying }), null);
    assert.equal(await verifyPrincipal({ assertion: await signedBy(after), key: [] }), null);
  });

  it('derives each value once, the current one first, and refuses a short one at start-up', () => {
    const keys = principalKeys({ previous: internalToken, current: internalToken });
    assert.equal(keys.verifying.length, 1);
    assert.ok(Object.isFrozen(keys) && Object.isFrozen(keys.verifying));
    assert.throws(() => principalKeys({ current: internalToken, next: 'short' }), { code: 'ERR_AUTHSCALE_CONFIG' });
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
