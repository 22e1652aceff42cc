import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, type JsonWebKey, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  generateSigningJwk,
  isSigningKeySet,
  nextSigningKeySet,
  type SigningJwk,
} from '../../constructs/jwt-signing-keys/next-signing-key-set.ts';

const kids = (keys: readonly SigningJwk[]) => keys.map((key) => key.kid);

describe('nextSigningKeySet', () => {
  test('generates a usable ES256 key pair with a random kid', () => {
    const jwk = generateSigningJwk();
    assert.equal(jwk.alg, 'ES256');
    assert.equal(jwk.use, 'sig');
    assert.match(jwk.kid, /^[A-Za-z0-9_-]{16}$/);
    assert.notEqual(generateSigningJwk().kid, jwk.kid);
    const privateKey = createPrivateKey({ key: { ...jwk } as JsonWebKey, format: 'jwk' });
    const signature = sign('sha256', Buffer.from('payload'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from('payload'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature));
  });

  test('replaces the bootstrap value with a signer and a published next key', () => {
    for (const bootstrap of [null, 'a generated password', { keys: [] }, { keys: [{ kty: 'RSA' }] }]) {
      const set = nextSigningKeySet(bootstrap);
      assert.equal(set.keys.length, 2);
      assert.ok(isSigningKeySet(set));
      assert.notEqual(set.keys[0]?.kid, set.keys[1]?.kid);
    }
  });

  test('promotes the published next key, publishes a fresh one and keeps the retiring signer for verification', () => {
    const first = nextSigningKeySet(null);
    const second = nextSigningKeySet(first);
    const [signer, next] = kids(first.keys);
    assert.equal(second.keys[0]?.kid, next, 'the key published a period ago signs now');
    assert.equal(second.keys[2]?.kid, signer, 'the previous signer still verifies');
    assert.ok(!kids(first.keys).includes(second.keys[1]?.kid as string), 'a fresh next key');
    const third = nextSigningKeySet(second);
    assert.deepEqual(kids(third.keys).slice(0, 1), [second.keys[1]?.kid]);
    assert.equal(third.keys.length, 3, 'a key retires after two rotations');
    assert.ok(!kids(third.keys).includes(signer as string));
  });

  test('every key a task could still sign with is published by the next set', () => {
    const before = nextSigningKeySet(nextSigningKeySet(null));
    const after = nextSigningKeySet(before);
    // A task that loaded `before` signs with before.keys[0]; a task on `after` must verify it, and vice versa.
    assert.ok(kids(after.keys).includes(before.keys[0]?.kid as string));
    assert.ok(kids(before.keys).includes(after.keys[0]?.kid as string));
  });

  test('rejects key sets with a key that does not parse or whose private part is not its own', () => {
    const set = nextSigningKeySet(null);
    assert.equal(isSigningKeySet({ keys: [{ ...set.keys[0], d: set.keys[1]?.d }] }), false);
    assert.equal(isSigningKeySet({ keys: [{ ...set.keys[0], d: 'not-a-scalar' }] }), false);
    assert.equal(isSigningKeySet({ keys: [{ ...set.keys[0], crv: 'P-384' }] }), false);
  });
});
