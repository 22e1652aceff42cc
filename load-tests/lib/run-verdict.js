// What makes a run pass or fail besides each profile's own thresholds, and the summary that says so.
import { Counter } from 'k6/metrics';

const scriptErrors = new Counter('script_errors');

/**
 * Thresholds every profile carries. k6 logs an exception thrown by an iteration and carries on, so
 * `guarded` counts it and the run fails; and a threshold on a metric with no samples fails in k6,
 * so a run that sent no request (a target that never answered, a setup that found no users) fails.
 */
export const runThresholds = {
  script_errors: ['count==0'],
  http_reqs: ['count>0'],
};

/** Wraps a profile's iteration so an exception it throws counts against `script_errors`. */
export function guarded(iteration) {
  return (data) => {
    try {
      return iteration(data);
    } catch (error) {
      scriptErrors.add(1);
      throw error;
    }
  };
}

/**
 * Writes k6's end-of-test summary as JSON to SUMMARY_JSON (if set) and a one-line verdict to stdout.
 * The verdict says "passed" only when iterations ran and every threshold held; k6's exit code is
 * still the authority (a setup() that threw exits 107 whatever this line says, so it says nothing).
 */
export function summaryWriter(name) {
  return (data) => {
    const out = {};
    if (__ENV.SUMMARY_JSON) out[__ENV.SUMMARY_JSON] = JSON.stringify(data, null, 2);
    const metrics = data.metrics;
    const requests = metrics.http_reqs?.values?.count ?? 0;
    const iterations = metrics.iterations?.values?.count ?? 0;
    const duration = metrics.http_req_duration?.values ?? {};
    const failed = metrics.http_req_failed?.values?.rate ?? 0;
    const checks = metrics.checks?.values?.rate;
    const breached = Object.entries(metrics)
      .filter(([, metric]) => Object.values(metric.thresholds ?? {}).some((threshold) => !threshold.ok))
      .map(([metric]) => metric);
    const verdict =
      iterations === 0 || requests === 0
        ? 'DID NOT RUN: no iteration or no request'
        : breached.length > 0
          ? `thresholds FAILED (${breached.join(', ')})`
          : 'thresholds passed';
    out.stdout =
      `\n${name}: ${iterations} iterations, ${requests} requests, ` +
      `p50 ${fmt(duration.med)} p95 ${fmt(duration['p(95)'])} p99 ${fmt(duration['p(99)'])}, ` +
      `failed ${(failed * 100).toFixed(2)}%, checks ${checks === undefined ? '-' : `${(checks * 100).toFixed(2)}%`}, ` +
      `${verdict}\n`;
    return out;
  };
}

function fmt(ms) {
  return ms === undefined ? '-' : `${ms.toFixed(2)} ms`;
}
