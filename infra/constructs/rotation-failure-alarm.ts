import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface RotationFailureAlarmProps {
  /** Every secret with a rotation schedule; a failed or abandoned rotation of any of them alarms. */
  readonly secrets: readonly secretsmanager.ISecret[];
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * Secrets Manager reports each rotation that fails (a step of the rotation function threw, or timed
 * out) or that it abandons as an event; this rule matches those of the given secrets, and the alarm
 * fires on the first match. A rotation that keeps failing otherwise goes unnoticed until the value
 * it should have replaced expires or leaks: the database roles' passwords, the signing keys, the
 * internal token and the principal key. The rule needs no target: EventBridge counts its matches
 * (`TriggeredRules`), and the alarm watches that count.
 */
export class RotationFailureAlarm extends Construct {
  public readonly rule: events.Rule;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RotationFailureAlarmProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'RotationFailed', {
      description: 'A secret rotation failed or was abandoned',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventName: ['RotationFailed', 'RotationAbandoned'],
          additionalEventData: { SecretId: props.secrets.map((secret) => secret.secretArn) },
        },
      },
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription:
        'A secret rotation failed: the old value stays current until it is fixed ' +
        '(runbook: docs/runbooks/rotating-internal-secrets.md, "A rotation failed").',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: this.rule.ruleName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(props.alarmAction);
  }
}
