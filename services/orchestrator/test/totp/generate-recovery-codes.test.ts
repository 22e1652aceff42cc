import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateRecoveryCodes } from '../../src/totp/generate-recovery-codes.ts';
import { hashRecoveryCode } from '../../src/totp/hash-recovery-code.ts';

describe('generateRecoveryCodes', () => {
  it('makes 10 distinct grouped codes and their hashes', () => {
    const { codes, hashes } = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes)
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}-[0-9A-HJKMNP-TV-Z]{6}$/);
    assert.deepEqual(hashes, codes.map(hashRecoveryCode));
    for (const hash of hashes) assert.ok(!codes.some((code) => hash.includes(code)));
  });

  it('hashes typed variants of a code alike', () => {
    const [code] = generateRecoveryCodes({ count: 1 }).codes as [string];
    const expected = hashRecoveryCode(code);
    assert.equal(hashRecoveryCode(code.toLowerCase()), expected);
    assert.equal(hashRecoveryCode(code.replaceAll('-', '')), expected);
    assert.notEqual(hashRecoveryCode(`${code}0`), expected);
  });
});
