import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledLambda } from './bundled-lambda.ts';

export interface RedeployOnRotationProps {
  readonly service: ecs.IBaseService;
  /** Secrets the service receives through `ecs.Secret`. */
  readonly secrets: readonly secretsmanager.ISecret[];
  readonly logRetention: logs.RetentionDays;
  /** Told when a rotation could not roll the service: its event sits in the dead-letter queue. */
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * ECS injects secrets at task start, and RDS Proxy admits only a secret's current value: when one of
 * the service's secrets rotates, this starts a rolling deployment so new tasks carry the new value
 * while the old ones drain. The function beside this file (`redeploy-on-rotation/`) does only that.
 * EventBridge invokes it asynchronously: an invocation that still fails after Lambda's retries lands
 * in a dead-letter queue that alarms, since until someone redeploys, tasks hold a retired value.
 */
export class RedeployOnRotation extends Construct {
  public readonly rule: events.Rule;
  public readonly role: iam.IRole;
  public readonly function: lambda.IFunction;
  public readonly deadLetters: sqs.IQueue;

  constructor(scope: Construct, id: string, props: RedeployOnRotationProps) {
    super(scope, id);
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      // The AWS managed key: its policy already lets the function's role use it through SQS.
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetters = deadLetters;
    const { fn: redeploy, role } = bundledLambda(this, {
      entry: new URL('./redeploy-on-rotation/redeploy-handler.ts', import.meta.url).pathname,
      description: 'Rolls the service after one of its secrets rotated',
      roleDescription: `Redeploys ${props.service.serviceName} after its secrets rotate`,
      logRetention: props.logRetention,
      environment: { CLUSTER_NAME: props.service.cluster.clusterName, SERVICE_NAME: props.service.serviceName },
      statements: [new iam.PolicyStatement({ actions: ['ecs:UpdateService'], resources: [props.service.serviceArn] })],
      deadLetterQueue: deadLetters,
      ids: { logs: 'Logs', role: 'Role', function: 'Function' },
    });
    this.role = role;
    this.function = redeploy;
    const undelivered = new cloudwatch.Alarm(this, 'RedeployFailed', {
      alarmDescription:
        `${props.service.serviceName}: a secret rotated but the service was not redeployed; ` +
        'run `aws ecs update-service --force-new-deployment` for it (docs/runbooks/rotating-internal-secrets.md).',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    undelivered.addAlarmAction(props.alarmAction);

    this.rule = new events.Rule(this, 'RotationSucceeded', {
      description: `Secret rotated: redeploy ${props.service.serviceName}`,
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventName: ['RotationSucceeded'],
          additionalEventData: { SecretId: props.secrets.map((secret) => secret.secretArn) },
        },
      },
      targets: [new targets.LambdaFunction(redeploy, { retryAttempts: 4, maxEventAge: Duration.hours(1) })],
    });
  }
}
