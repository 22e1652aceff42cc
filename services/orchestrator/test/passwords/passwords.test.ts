import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsRehash } from '../../src/passwords/needs-rehash.ts';
import { hashPassword } from '../../src/passwords/password-hashing.ts';
import { meetsPasswordPolicy } from '../../src/passwords/password-policy.ts';
import { verifyPassword } from '../../src/passwords/verify-password.ts';

describe('passwords', () => {
  it('counts code points, not UTF-16 units, and never truncates', async () => {
    assert.equal(meetsPasswordPolicy('🔑'.repeat(7)), false);
    assert.equal(meetsPasswordPolicy('🔑'.repeat(8)), true);
    assert.equal(meetsPasswordPolicy('🔑'.repeat(128)), true);
    assert.equal(meetsPasswordPolicy('🔑'.repeat(129)), false);
    const long = `${'a'.repeat(100)}tail`;
    const hashed = await hashPassword(long);
    assert.equal(await verifyPassword({ password: `${'a'.repeat(100)}tall`, passwordHash: hashed }), false);
    assert.equal(await verifyPassword({ password: long, passwordHash: hashed }), true);
  });

  it('refuses common passwords in any case, and nothing for lack of symbols or digits', () => {
    for (const common of ['password', 'PASSWORD', '12345678', 'iloveyou', 'sunshine1']) {
      assert.equal(meetsPasswordPolicy(common), false, common);
    }
    assert.equal(meetsPasswordPolicy('plain lowercase words'), true);
  });

  it('answers false, never throws, for no hash or a malformed one', async () => {
    assert.equal(await verifyPassword({ password: 'anything', passwordHash: null }), false);
    assert.equal(await verifyPassword({ password: 'anything', passwordHash: 'not-a-hash' }), false);
    assert.equal(await verifyPassword({ password: 'anything', passwordHash: '' }), false);
  });

  it('hashes with Argon2id and the OWASP parameters, salted', async () => {
    const [first, second] = await Promise.all([hashPassword('same input'), hashPassword('same input')]);
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.notEqual(first, second);
    assert.equal(needsRehash(first), false);
    assert.equal(needsRehash('$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaA'), true);
    assert.equal(needsRehash('$2b$12$bcrypthash'), true);
  });
});
