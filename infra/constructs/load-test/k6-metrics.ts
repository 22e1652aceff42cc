import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { searchedSeries } from '../metric-search.ts';
import { collectorOtlpEndpoint, exactly, type MetricDeclaration } from '../telemetry-collector.ts';

/** The k6 tag each task of a run sets (`load-tests/aws/run-segment.sh`): the execution's name. */
export const testIdTag = 'test_id';

/**
 * k6's OpenTelemetry output, aimed at the task's collector sidecar: every k6 metric with the
 * `k6_` prefix, its tags as attributes. k6 reads these itself; the collector turns them into
 * CloudWatch metrics (`k6MetricDeclarations`).
 */
export const k6OtelEnvironment: Readonly<Record<string, string>> = {
  K6_OUT: 'opentelemetry',
  K6_OTEL_EXPORTER_PROTOCOL: 'http/protobuf',
  K6_OTEL_HTTP_EXPORTER_ENDPOINT: collectorOtlpEndpoint,
  K6_OTEL_HTTP_EXPORTER_INSECURE: 'true',
  K6_OTEL_METRIC_PREFIX: 'k6_',
  K6_OTEL_SERVICE_NAME: 'authscale-loadtest',
};

/**
 * The names k6 1.8 exports them under. A rate is a counter of all its samples whose `condition`
 * attribute is `nonzero` for the ones that counted (a failed request, a passed check).
 */
const k6Metrics = {
  requests: 'k6_http_reqs',
  duration: 'k6_http_req_duration',
  failed: 'k6_http_req_failed.total',
  checks: 'k6_checks.total',
  iterations: 'k6_iterations',
} as const;

/** Each run's figures under its test id; request durations also by the request's `name` tag. */
export const k6MetricDeclarations: readonly MetricDeclaration[] = [
  { metric_name_selectors: [exactly(k6Metrics.requests), exactly(k6Metrics.iterations)], dimensions: [[testIdTag]] },
  { metric_name_selectors: [exactly(k6Metrics.duration)], dimensions: [[testIdTag], [testIdTag, 'name']] },
  {
    metric_name_selectors: [exactly(k6Metrics.failed), exactly(k6Metrics.checks)],
    dimensions: [[testIdTag, 'condition']],
  },
];

/**
 * The dashboard's load-test row: every run's requests, failures and request duration, one line per
 * test id. Searches, since the ids are the runs' execution names, known only when they run.
 */
export function k6DashboardWidgets(namespace: string): cloudwatch.IWidget[] {
  const search = (metric: string, dimensions: string, statistic: string, filter = '') =>
    searchedSeries(`{${namespace},${dimensions}} MetricName="${metric}"${filter}`, statistic);
  return [
    new cloudwatch.GraphWidget({
      title: 'Load tests: k6 requests per minute, by test id',
      left: [search(k6Metrics.requests, testIdTag, 'Sum')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Load tests: failed requests per minute, by test id',
      left: [search(k6Metrics.failed, `${testIdTag},condition`, 'Sum', ' condition="nonzero"')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Load tests: request duration (ms), average and maximum, by test id',
      left: [search(k6Metrics.duration, testIdTag, 'Average')],
      right: [search(k6Metrics.duration, testIdTag, 'Maximum')],
      width: 8,
    }),
  ];
}
