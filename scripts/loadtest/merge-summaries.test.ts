import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type K6Summary, mergeSummaries } from '../../load-tests/merge-summaries.ts';

const worker = ({
  iterations,
  requests,
  failed,
  p99,
  ok = true,
}: {
  iterations: number;
  requests: number;
  failed: number;
  p99: number;
  ok?: boolean;
}): K6Summary => ({
  metrics: {
    iterations: { type: 'counter', values: { count: iterations, rate: iterations / 10 } },
    http_reqs: { type: 'counter', values: { count: requests, rate: requests / 10 } },
    http_req_failed: {
      type: 'rate',
      values: { rate: requests === 0 ? 0 : failed / requests, passes: failed, fails: requests - failed },
      thresholds: { 'rate<0.01': { ok: failed <= requests / 100 } },
    },
    http_req_duration: {
      type: 'trend',
      values: { avg: p99 / 4, min: p99 / 10, med: p99 / 3, 'p(99)': p99, max: p99 * 2 },
      thresholds: { 'p(99)<100': { ok } },
    },
  },
});

it('sums counts and rates over the workers and keeps the worst trend values', () => {
  const merged = mergeSummaries([
    { exitCode: 0, summary: worker({ iterations: 30, requests: 300, failed: 0, p99: 40 }) },
    { exitCode: 0, summary: worker({ iterations: 20, requests: 100, failed: 1, p99: 80 }) },
  ]);
  assert.deepEqual(merged.failures, []);
  assert.equal(merged.passed, true);
  assert.equal(merged.iterations, 50);
  assert.equal(merged.requests, 400);
  assert.deepEqual(merged.metrics.iterations?.values, { count: 50, rate: 5 });
  assert.deepEqual(merged.metrics.http_req_failed?.values, { passes: 1, fails: 399, rate: 1 / 400 });
  assert.deepEqual(merged.metrics.http_req_duration?.values, { avg: 15, min: 4, med: 80 / 3, 'p(99)': 80, max: 160 });
  assert.deepEqual(merged.thresholds, {
    http_req_failed: { 'rate<0.01': true },
    http_req_duration: { 'p(99)<100': true },
  });
});

it('fails when one worker breached a threshold that held in the other', () => {
  const merged = mergeSummaries([
    { exitCode: 0, summary: worker({ iterations: 30, requests: 300, failed: 0, p99: 40 }) },
    { exitCode: 99, summary: worker({ iterations: 20, requests: 100, failed: 0, p99: 180, ok: false }) },
  ]);
  assert.equal(merged.passed, false);
  assert.equal(merged.thresholds.http_req_duration?.['p(99)<100'], false);
  assert.deepEqual(merged.failures, ['worker 2 exited with 99', 'threshold http_req_duration: p(99)<100 breached']);
});

it('fails a run that did not run: a worker without a summary, no iteration, no request', () => {
  const merged = mergeSummaries([
    { exitCode: 107, summary: null },
    { exitCode: 0, summary: worker({ iterations: 0, requests: 0, failed: 0, p99: 0 }) },
  ]);
  assert.equal(merged.passed, false);
  assert.deepEqual(merged.failures, [
    'worker 1 exited with 107',
    'worker 1 wrote no summary',
    'no iteration ran',
    'no request was made',
  ]);
  assert.equal(mergeSummaries([]).passed, false);
});
