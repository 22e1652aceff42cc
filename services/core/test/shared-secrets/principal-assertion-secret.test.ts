import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalAssertionSecret } from '../../src/index.ts';

const [a, b, c, k] = ['a', 'b', 'c', 'k'].map((letter) => letter.repeat(43)) as [string, string, string, string];

describe('principalAssertionSecret', () => {
  it('is PRINCIPAL_ASSERTION_KEY with its rotation values when set', () => {
    assert.deepEqual(
      principalAssertionSecret({
        INTERNAL_API_TOKEN: a,
        INTERNAL_API_TOKEN_NEXT: b,
        PRINCIPAL_ASSERTION_KEY: k,
        PRINCIPAL_ASSERTION_KEY_PREVIOUS: c,
      }),
      { current: k, previous: c, next: undefined },
    );
  });

  it('is the internal API token with its rotation values when unset', () => {
    assert.deepEqual(
      principalAssertionSecret({ INTERNAL_API_TOKEN: a, INTERNAL_API_TOKEN_PREVIOUS: b, INTERNAL_API_TOKEN_NEXT: c }),
      { current: a, previous: b, next: c },
    );
  });

  it('refuses a previous or next key without a current one, which would otherwise be ignored', () => {
    for (const extra of [{ PRINCIPAL_ASSERTION_KEY_PREVIOUS: c }, { PRINCIPAL_ASSERTION_KEY_NEXT: c }]) {
      assert.throws(() => principalAssertionSecret({ INTERNAL_API_TOKEN: a, ...extra }), {
        code: 'ERR_AUTHSCALE_CONFIG',
        message: /PRINCIPAL_ASSERTION_KEY_PREVIOUS and PRINCIPAL_ASSERTION_KEY_NEXT need PRINCIPAL_ASSERTION_KEY/,
      });
    }
  });
});
