import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedValues, internalApiToken, internalTokenCheck } from '../../src/index.ts';

const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(43)) as [string, string, string, string];
const bearer = (token: string) => `Bearer ${token}`;

describe('internalTokenCheck', () => {
  it('accepts the current, previous and next values and nothing else', () => {
    const accepts = internalTokenCheck('test', { previous: a, current: b, next: c });
    for (const token of [a, b, c]) assert.equal(accepts(bearer(token)), true);
    for (const refused of [bearer(d), b, `bearer ${b}`, `Bearer ${b} `, '', undefined, 42, [bearer(b)]]) {
      assert.equal(accepts(refused), false, String(refused));
    }
  });

  it('accepts only the current value when the secret does not rotate', () => {
    const accepts = internalTokenCheck('test', { current: b });
    assert.equal(accepts(bearer(b)), true);
    assert.equal(accepts(bearer(a)), false);
  });

  it('lets tasks one rotation apart accept each other, and not two apart', () => {
    // Each rotation: the next value becomes current, the current one previous, and a fresh one next.
    const before = { previous: a, current: b, next: c };
    const after = { previous: b, current: c, next: d };
    assert.equal(internalTokenCheck('test', after)(bearer(before.current)), true, 'an old sender, a new receiver');
    assert.equal(internalTokenCheck('test', before)(bearer(after.current)), true, 'a new sender, an old receiver');
    const twoBefore = { current: a, next: b };
    assert.equal(internalTokenCheck('test', after)(bearer(twoBefore.current)), false);
  });

  it('refuses a short or missing value at start-up, naming its scope', () => {
    for (const token of [{ current: 'short' }, { current: b, previous: 'short' }, { current: b, next: '' }, {}, null]) {
      assert.throws(
        () => internalTokenCheck('authscale-test', token as never),
        (error: Error) => error instanceof TypeError && error.message.startsWith('authscale-test: '),
      );
    }
  });
});

describe('internalApiToken', () => {
  it('reads the three settings, and the accepted values are the current one first, each once', () => {
    const token = internalApiToken({
      INTERNAL_API_TOKEN: b,
      INTERNAL_API_TOKEN_PREVIOUS: a,
      INTERNAL_API_TOKEN_NEXT: c,
    });
    assert.deepEqual(acceptedValues(token), [b, a, c]);
    assert.ok(Object.isFrozen(token));
    // The rotation's first step keeps the value it starts from as the previous one.
    assert.deepEqual(acceptedValues(internalApiToken({ INTERNAL_API_TOKEN: b, INTERNAL_API_TOKEN_PREVIOUS: b })), [b]);
    assert.deepEqual(acceptedValues(internalApiToken({ INTERNAL_API_TOKEN: b })), [b]);
  });
});
