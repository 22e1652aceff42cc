import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { sessionIdFor } from '../../src/index.ts';

describe('sessionIdFor', () => {
  it('is base64url of the first 128 bits of SHA-256(token), whatever the token', () => {
    const lastCharacters = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const token = `${randomUUID()}.${randomBytes(32).toString('base64url')}`;
      const expected = createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');
      assert.equal(sessionIdFor(token), expected, token);
      lastCharacters.add(expected.at(-1) as string);
    }
    // Each of the four values the last character can take was checked.
    assert.deepEqual([...lastCharacters].sort(), ['A', 'Q', 'g', 'w']);
  });
});
