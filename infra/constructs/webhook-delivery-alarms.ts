import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** How the dispatcher settles an attempt (`authscale.webhook.outcome`, `authscale-metrics.ts`). */
export const webhookDeliveryOutcomes = ['delivered', 'retry', 'dead'] as const;

export interface WebhookDeliveryAlarmsProps {
  /** Where the dispatcher's collector publishes (`metricsNamespace` in `telemetry-collector.ts`). */
  readonly metricsNamespace: string;
  /** The `service.name` the dispatcher reports (`TelemetryCollector.reportedServiceName`). */
  readonly reportedServiceName: string;
  /** The delivery lag's p99 over 5 minutes above which the alarm fires, in seconds. */
  readonly lagThresholdSeconds: number;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * The webhook dispatcher's two alarms, from the metrics its collector publishes: a dead letter is a
 * receiver that lost an event for good, so one is worth a look; a high lag is receivers failing, or
 * dispatchers too few or cut off from the database, before anything is dead.
 */
export class WebhookDeliveryAlarms extends Construct {
  /** Any delivery dead-lettered within 5 minutes. */
  public readonly deadLettered: cloudwatch.Alarm;
  /** The p99 of delivery lag over 5 minutes above the threshold. */
  public readonly lagHigh: cloudwatch.Alarm;
  public readonly lagThresholdSeconds: number;
  private readonly props: WebhookDeliveryAlarmsProps;

  constructor(scope: Construct, id: string, props: WebhookDeliveryAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.lagThresholdSeconds = props.lagThresholdSeconds;

    this.deadLettered = new cloudwatch.Alarm(this, 'DeadLettered', {
      alarmDescription:
        'A webhook delivery was dead-lettered in the last 5 minutes: its receiver failed every attempt. ' +
        'GET .../webhooks/{id}/deliveries?state=dead lists it with its last error (docs/events.md).',
      metric: this.deliveries('dead', Duration.minutes(5)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No delivery settled, no line: silence is not a dead letter.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.lagHigh = new cloudwatch.Alarm(this, 'LagHigh', {
      alarmDescription:
        `Webhook delivery lag p99 above ${props.lagThresholdSeconds} s for 5 minutes: receivers failing ` +
        '(retries count), too few dispatchers, or the dispatcher cut off from the database (docs/events.md).',
      metric: this.lag('p99', Duration.minutes(5)),
      threshold: props.lagThresholdSeconds,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLettered, this.lagHigh]) alarm.addAlarmAction(props.alarmAction);
  }

  /** Deliveries settled with one outcome, summed per `period` (unlabelled: an alarm on a label renders as math). */
  deliveries(outcome: (typeof webhookDeliveryOutcomes)[number], period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName: 'authscale.webhook.deliveries',
      dimensionsMap: { 'service.name': this.props.reportedServiceName, 'authscale.webhook.outcome': outcome },
      statistic: 'Sum',
      period,
    });
  }

  /** Seconds from an event's commit to its delivery, as `statistic` (a percentile: `p99`) per `period`. */
  lag(statistic: string, period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName: 'authscale.webhook.delivery_lag',
      dimensionsMap: { 'service.name': this.props.reportedServiceName },
      statistic,
      period,
    });
  }
}
