import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { derivePrincipalKey, type Principal, signPrincipal, verifyPrincipal } from '../../src/index.ts';

// The assertion was a jose-signed JWT: tokens from either side of a rolling deploy must be accepted.
const key = derivePrincipalKey('an-internal-api-token-that-is-long-enough');
const principal: Principal = {
  userId: 'user-1',
  sessionId: 'session-1',
  tenantId: 'tenant-1',
  amr: ['pwd', 'otp'],
  acr: 'aal2',
  authTime: 1_700_000_000,
  kind: 'api_key',
  scopes: ['projects:read'],
};
const claims = { sid: 'session-1', tid: 'tenant-1', amr: ['pwd', 'otp'], acr: 'aal2', auth_time: 1_700_000_000 };
const now = () => Math.floor(Date.now() / 1000);

/** What the previous signer produced, with any header, claims and times a test needs. */
function joseSigned({
  header = { alg: 'HS256', typ: 'authscale-principal+jwt' },
  payload = { ...claims, kind: 'api_key', scope: 'projects:read' },
  iss = 'authscale-edge',
  aud = 'authscale-internal' as string | string[],
  iat = now(),
  exp = iat + 30,
}: {
  header?: { alg: string; typ?: string };
  payload?: JWTPayload;
  iss?: string;
  aud?: string | string[];
  iat?: number;
  exp?: number;
} = {}) {
  return new SignJWT(payload)
    .setProtectedHeader(header)
    .setSubject('user-1')
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
}

const joseVerify = (assertion: string) =>
  jwtVerify(assertion, key, {
    algorithms: ['HS256'],
    issuer: 'authscale-edge',
    audience: 'authscale-internal',
    typ: 'authscale-principal+jwt',
    requiredClaims: ['exp', 'iat', 'sub', 'sid'],
    clockTolerance: 5,
  });

describe('principal assertions and jose', () => {
  it('signs the same bytes jose did', async () => {
    const iatOf = (assertion: string) =>
      JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()).iat;
    let ours: string;
    let theirs: string;
    do {
      ours = await signPrincipal({ principal, key });
      theirs = await joseSigned();
      // A second boundary between the two gives different times: sign again.
    } while (iatOf(ours) !== iatOf(theirs));
    assert.equal(ours, theirs);
  });

  it("signs what jose's jwtVerify accepts, with the same claims", async () => {
    const { payload, protectedHeader } = await joseVerify(await signPrincipal({ principal, key, lifetimeSeconds: 60 }));
    assert.deepEqual(protectedHeader, { alg: 'HS256', typ: 'authscale-principal+jwt' });
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 60);
    assert.deepEqual(
      { ...payload, iat: 0, exp: 0 },
      {
        ...claims,
        kind: 'api_key',
        scope: 'projects:read',
        sub: 'user-1',
        iss: 'authscale-edge',
        aud: 'authscale-internal',
        iat: 0,
        exp: 0,
      },
    );
  });

  it('accepts what jose signed, including an audience list and a media-type typ', async () => {
    assert.deepEqual(await verifyPrincipal({ assertion: await joseSigned(), key }), principal);
    const listed = await joseSigned({ aud: ['other', 'authscale-internal'] });
    assert.deepEqual(await verifyPrincipal({ assertion: listed, key }), principal);
    const typed = await joseSigned({ header: { alg: 'HS256', typ: 'application/Authscale-Principal+JWT' } });
    assert.deepEqual(await verifyPrincipal({ assertion: typed, key }), principal);
  });

  it('keeps the clock tolerance: expired 3 s ago passes, 6 s ago does not', async () => {
    const recent = await joseSigned({ iat: now() - 33, exp: now() - 3 });
    assert.deepEqual(await verifyPrincipal({ assertion: recent, key }), principal);
    const stale = await joseSigned({ iat: now() - 36, exp: now() - 6 });
    assert.equal(await verifyPrincipal({ assertion: stale, key }), null);
    assert.equal(await verifyPrincipal({ assertion: recent, key, clockToleranceSeconds: 0 }), null);
  });

  it('refuses a tampered signature, alg none, another alg, a wrong typ and wrong iss or aud', async () => {
    const good = await signPrincipal({ principal, key });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'authscale-principal+jwt' })).toString('base64url');
    const macOf = (input: string) => createHmac('sha256', key).update(input).digest('base64url');
    const refused = [
      `${header}.${payload}.${flipped}`,
      `${header}.${payload}.${signature}A`,
      `${header}.${payload}.`,
      `${none}.${payload}.`,
      // The right MAC does not make alg none acceptable.
      `${none}.${payload}.${macOf(`${none}.${payload}`)}`,
      await joseSigned({ header: { alg: 'HS512', typ: 'authscale-principal+jwt' } }),
      await joseSigned({ header: { alg: 'HS256', typ: 'JWT' } }),
      await joseSigned({ header: { alg: 'HS256' } }),
      await joseSigned({ iss: 'someone-else' }),
      await joseSigned({ aud: 'authscale-public' }),
      await joseSigned({ payload: { ...claims, sid: undefined, kind: 'session' } }),
    ];
    for (const assertion of refused) {
      assert.equal(await verifyPrincipal({ assertion, key }), null, assertion);
      await assert.rejects(joseVerify(assertion), assertion);
    }
  });
});
