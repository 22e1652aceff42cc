import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LogEventAlarmProps {
  readonly logGroup: logs.ILogGroup;
  /** The `event` field of the JSON log lines to count. */
  readonly event: string;
  readonly alarmDescription: string;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * Counts the log lines a service writes for one event (`{"event": "..."}`) and alarms on the
 * first in five minutes: for events that are rare in normal operation and always worth a look.
 */
export class LogEventAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: LogEventAlarmProps) {
    super(scope, id);
    const filter = new logs.MetricFilter(this, 'Filter', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.event', '=', props.event),
      metricNamespace: 'authscale',
      metricName: props.event,
      metricValue: '1',
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: props.alarmDescription,
      metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(props.alarmAction);
  }
}
