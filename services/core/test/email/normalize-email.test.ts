import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailMixesScripts, normalizeEmail } from '../../src/index.ts';

describe('one email normaliser', () => {
  it('look-alike addresses: full-width letters, case and IDNA spellings of a domain are one address', () => {
    const canonical = 'alice@example.com';
    for (const spelling of [' Alice@Example.COM ', 'ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ', 'ALICE@EXAMPLE.COM']) {
      assert.equal(normalizeEmail(spelling), canonical, spelling);
    }
    assert.equal(normalizeEmail('hans@Bücher.de'), 'hans@xn--bcher-kva.de');
    assert.equal(normalizeEmail('hans@xn--bcher-kva.de'), 'hans@xn--bcher-kva.de');
    // The Cyrillic `а` in the domain makes another domain, and it says so in its ASCII form.
    assert.notEqual(normalizeEmail('alice@exаmple.com'), canonical);
  });

  it('look-alike addresses: a part mixing Latin, Cyrillic or Greek letters is flagged; one script is not', () => {
    for (const lookAlike of ['pаypal@example.com', 'alice@exаmple.com', 'αlice@example.com']) {
      assert.equal(emailMixesScripts(lookAlike), true, lookAlike);
    }
    for (const plain of [
      'alice@example.com',
      'иван@пример.рф',
      'αλίκη@example.gr',
      '山田taro@example.jp',
      'a.b+c@sub.example.com',
    ]) {
      assert.equal(emailMixesScripts(plain), false, plain);
    }
  });
});
