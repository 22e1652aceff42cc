import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coarseDeadline } from '../../src/rate-limit/coarse-deadline.ts';

describe('coarseDeadline', () => {
  // The sweeper does not hold the process open (a socket does, in use); here nothing else would.
  let keepAlive: NodeJS.Timeout;
  before(() => {
    keepAlive = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(keepAlive));

  it('passes an answer through and fails a call left unanswered within one to two timeouts', async () => {
    const within = coarseDeadline(50);
    assert.equal(await within(Promise.resolve('counted')), 'counted');
    await assert.rejects(within(Promise.reject(new Error('refused'))), /refused/);

    const started = performance.now();
    await assert.rejects(within(new Promise(() => {})), /no answer within 50 ms/);
    const waited = performance.now() - started;
    assert.ok(waited >= 45 && waited < 200, `failed after ${waited} ms`);
  });

  it('does not fail a call that answers in time while others around it time out', async () => {
    const within = coarseDeadline(40);
    const hung = within(new Promise(() => {}));
    const prompt = within(new Promise((resolve) => setTimeout(() => resolve('late but in time'), 20)));
    assert.equal(await prompt, 'late but in time');
    await assert.rejects(hung);
  });
});
