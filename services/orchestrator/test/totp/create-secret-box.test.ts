import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { createSecretBox } from '../../src/totp/create-secret-box.ts';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

describe('createSecretBox', () => {
  it('round-trips and names the key that sealed', () => {
    const box = createSecretBox({ keys: { k1: oldKey }, currentKeyId: 'k1' });
    const envelope = box.seal('JBSWY3DPEHPK3PXPJBSWY3DP', 'user-1');
    assert.match(envelope, /^k1\./);
    assert.ok(!envelope.includes('JBSWY3DP'));
    assert.equal(box.open(envelope, 'user-1'), 'JBSWY3DPEHPK3PXPJBSWY3DP');
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const box = createSecretBox({ keys: { k1: oldKey }, currentKeyId: 'k1' });
    assert.notEqual(box.seal('s', 'u'), box.seal('s', 'u'));
  });

  it('opens envelopes sealed under an older key after rotation', () => {
    const before = createSecretBox({ keys: { k1: oldKey }, currentKeyId: 'k1' });
    const after = createSecretBox({ keys: { k1: oldKey, k2: newKey }, currentKeyId: 'k2' });
    const envelope = before.seal('secret', 'user-1');
    assert.equal(after.open(envelope, 'user-1'), 'secret');
    assert.match(after.seal('secret', 'user-1'), /^k2\./);
  });

  it('refuses another user context, tampering, unknown keys and garbage', () => {
    const box = createSecretBox({ keys: { k1: oldKey }, currentKeyId: 'k1' });
    const envelope = box.seal('secret', 'user-1');
    assert.equal(box.open(envelope, 'user-2'), null);
    const [keyId, iv, ciphertext, tag] = envelope.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assert.equal(box.open([keyId, iv, flipped.toString('base64url'), tag].join('.'), 'user-1'), null);
    assert.equal(box.open(['k9', iv, ciphertext, tag].join('.'), 'user-1'), null);
    assert.equal(box.open('not-an-envelope', 'user-1'), null);
    assert.equal(box.open(`${envelope}.extra`, 'user-1'), null);
  });

  it('rejects short keys and a missing current key at construction', () => {
    assert.throws(() => createSecretBox({ keys: { k1: randomBytes(16) }, currentKeyId: 'k1' }), ConfigError);
    assert.throws(() => createSecretBox({ keys: { k1: oldKey }, currentKeyId: 'k2' }), ConfigError);
  });
});
