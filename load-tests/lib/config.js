// Shared settings for every k6 script. Point BASE_URL at the local stack (default) or a deployed edge.
export const baseUrl = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');

// Cookie-authenticated state changes must carry an allowed Origin (CSRF defence); the edge's origin is one.
export const origin = __ENV.ORIGIN || baseUrl;

// The trend columns every summary prints; k6's default leaves out the p99 the thresholds use.
export const summaryTrendStats = ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'];

export const password = __ENV.LOAD_TEST_PASSWORD || 'load-test correct horse battery';

/** Writes k6's end-of-test summary as JSON to SUMMARY_JSON (if set) and a short text report to stdout. */
export function summaryWriter(name) {
  return (data) => {
    const out = {};
    if (__ENV.SUMMARY_JSON) out[__ENV.SUMMARY_JSON] = JSON.stringify(data, null, 2);
    const metrics = data.metrics;
    const duration = metrics.http_req_duration?.values ?? {};
    const failed = metrics.http_req_failed?.values?.rate ?? 0;
    const checks = metrics.checks?.values?.rate ?? 1;
    const thresholdsOk = Object.values(metrics).every((metric) =>
      Object.values(metric.thresholds ?? {}).every((threshold) => threshold.ok),
    );
    out.stdout =
      `\n${name}: ${metrics.http_reqs?.values?.count ?? 0} requests, ` +
      `p50 ${fmt(duration.med)} p95 ${fmt(duration['p(95)'])} p99 ${fmt(duration['p(99)'])}, ` +
      `failed ${(failed * 100).toFixed(2)}%, checks ${(checks * 100).toFixed(2)}%, ` +
      `thresholds ${thresholdsOk ? 'passed' : 'FAILED'}\n`;
    return out;
  };
}

function fmt(ms) {
  return ms === undefined ? '-' : `${ms.toFixed(2)} ms`;
}
