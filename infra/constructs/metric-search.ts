import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * A graph line for each series a CloudWatch search finds, each minute's `statistic`: `search` is
 * what goes inside `SEARCH('...')`, the schema in braces and then the terms. For series known only
 * when they appear (a cache node, a run's test id) or too many to list one by one.
 */
export function searchedSeries(search: string, statistic: string, label?: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${search}', '${statistic}', 60)`,
    usingMetrics: {},
    period: Duration.minutes(1),
    ...(label === undefined ? {} : { label }),
  });
}
