import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { generateSessionToken } from '../../src/token/generate-session-token.ts';
import { parseSessionToken } from '../../src/token/parse-session-token.ts';
import { sameSessionId } from '../../src/token/same-session-id.ts';

it('generates <userId>.<256-bit secret> tokens whose id is the first 128 bits of SHA-256(token), base64url', () => {
  const token = generateSessionToken('user_1');
  const [userId, secret] = token.split('.') as [string, string];
  assert.equal(userId, 'user_1');
  assert.equal(Buffer.from(secret, 'base64url').length, 32);
  assert.deepEqual(parseSessionToken(token), {
    userId: 'user_1',
    sid: createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url'),
  });
  assert.notEqual(generateSessionToken('user_1'), token);
});

it('refuses tokens that are not well formed, including user ids that would break a hash tag', () => {
  const secret = 'A'.repeat(43);
  for (const token of [
    '',
    secret,
    `.${secret}`,
    `u{1}.${secret}`,
    `u.1.${secret}`,
    `u.${secret}=`,
    `u.${'A'.repeat(42)}`,
    `${'u'.repeat(65)}.${secret}`,
  ]) {
    assert.equal(parseSessionToken(token), null, JSON.stringify(token.slice(0, 12)));
  }
});

it('compares session ids of different lengths without throwing', () => {
  assert.equal(sameSessionId('abc', 'abc'), true);
  assert.equal(sameSessionId('abc', 'abd'), false);
  assert.equal(sameSessionId('abc', 'abcd'), false);
});
