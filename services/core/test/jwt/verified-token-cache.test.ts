import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet } from 'jose';
import { type AccessTokenClaims, cacheVerifiedTokens, isAuthError, verifyAccessToken } from '../../src/index.ts';
import { audience, issuer, signingKey } from './signing-key.ts';

async function issuerKeys() {
  const { publicJwk, sign } = await signingKey();
  const keys = createLocalJWKSet({ keys: [publicJwk] });
  /** The real verification, counted. */
  const verifier = {
    calls: 0,
    verify: async (token: string): Promise<AccessTokenClaims | null> => {
      verifier.calls++;
      try {
        return await verifyAccessToken({ token, keys, issuer, audience });
      } catch (error) {
        if (isAuthError(error)) return null;
        throw error;
      }
    },
  };
  return { sign, verifier };
}

describe('cacheVerifiedTokens', () => {
  it('verifies a token once and reuses the claims for the same text', async () => {
    const { sign, verifier } = await issuerKeys();
    const verify = cacheVerifiedTokens(verifier.verify, { maxEntries: 10, maxAgeMs: 60_000 });
    const token = await sign('15m');
    const first = await verify(token);
    assert.equal(first?.sub, 'u1');
    assert.deepEqual(await verify(token), first);
    assert.equal(verifier.calls, 1);
  });

  it('keeps no failure: a forged token is verified (and refused) every time', async () => {
    const { sign, verifier } = await issuerKeys();
    const verify = cacheVerifiedTokens(verifier.verify, { maxEntries: 10, maxAgeMs: 60_000 });
    const token = await sign('15m');
    const forged = `${token.slice(0, -4)}AAAA`;
    assert.equal(await verify(forged), null);
    assert.equal(await verify(forged), null);
    assert.equal(verifier.calls, 2);
  });

  it('verifies again once the token expired or the reuse window passed', async () => {
    const { sign, verifier } = await issuerKeys();
    let now = Date.now();
    const verify = cacheVerifiedTokens(verifier.verify, { maxEntries: 10, maxAgeMs: 60_000, now: () => now });
    const token = await sign('30s');
    await verify(token);
    now += 29_000;
    await verify(token);
    assert.equal(verifier.calls, 1);
    now += 2_000; // past exp: the cached claims are not served, the real check runs (and uses the real clock)
    await verify(token);
    assert.equal(verifier.calls, 2);

    const longLived = await sign('15m');
    await verify(longLived);
    now += 60_001;
    await verify(longLived);
    assert.equal(verifier.calls, 4);
  });
});
