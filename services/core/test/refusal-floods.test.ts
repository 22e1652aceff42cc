import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchRefusalFloods } from '../src/refusal-floods.ts';

describe('watchRefusalFloods', () => {
  it('reports a flood once per code and window', () => {
    let now = 0;
    const refusals = watchRefusalFloods({ threshold: 3, windowMs: 1_000, now: () => now });
    const reports = (code: 'forbidden' | 'unauthenticated', times: number) =>
      Array.from({ length: times }, () => refusals.refused(code)).filter(Boolean).length;
    assert.equal(reports('unauthenticated', 2), 0);
    assert.equal(reports('forbidden', 2), 0, 'each code is counted apart');
    assert.equal(reports('unauthenticated', 10), 1);
    now = 999;
    assert.equal(reports('unauthenticated', 10), 0, 'the same window');
    now = 1_000;
    assert.equal(reports('unauthenticated', 3), 1, 'a new window, a new flood');
    assert.deepEqual(refusals.flood, { refusals: 3, withinSeconds: 1 });
  });
});
