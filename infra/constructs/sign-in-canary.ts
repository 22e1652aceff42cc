import { readFileSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';

/** The script every run executes, kept as a file so it reads (and lints) as code. */
const canaryScript = readFileSync(new URL('./sign-in-canary/canary.cjs', import.meta.url), 'utf8');

export interface SignInCanaryProps {
  /** Names the canary `authscale-<environment>` (Synthetics allows 21 characters). */
  readonly environmentName: string;
  /** `https://<public host name>`: the canary goes through the load balancer and the WAF, as users do. */
  readonly publicOrigin: string;
  /** `{ "email", "password" }` of the canary user (docs/deploy.md, "Canary"). */
  readonly credentials: secretsmanager.ISecret;
  /** The key the credentials are encrypted with; the canary may use it only through Secrets Manager. */
  readonly credentialsKey: kms.IKey;
  /** @default every 5 minutes */
  readonly interval?: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * A CloudWatch Synthetics canary that signs in and reads `/me` through the public origin on a
 * schedule (`sign-in-canary/canary.cjs`), and an alarm when two runs in a row fail or none runs.
 * It proves what no internal metric can: that a user on the internet can sign in right now.
 */
export class SignInCanary extends Construct {
  public readonly canary: synthetics.Canary;
  public readonly alarm: cloudwatch.Alarm;
  public readonly artifacts: s3.Bucket;

  constructor(scope: Construct, id: string, props: SignInCanaryProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(5);

    // Each run's log and report; a week is enough to read a failure.
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(7), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    this.artifacts = artifacts;

    // Imported by ARN, like the services' secrets, so reading it writes nothing into the data stack's key policy.
    const credentials = secretsmanager.Secret.fromSecretCompleteArn(this, 'Credentials', props.credentials.secretArn);
    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: `authscale-${props.environmentName}`,
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({ handler: 'index.handler', code: synthetics.Code.fromInline(canaryScript) }),
      schedule: synthetics.Schedule.rate(interval),
      timeout: Duration.seconds(60),
      environmentVariables: {
        PUBLIC_ORIGIN: props.publicOrigin,
        CREDENTIALS_SECRET_ARN: credentials.secretArn,
      },
      artifactsBucketLocation: { bucket: artifacts },
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(30),
      // Deleting the canary deletes the function and layer Synthetics created for it.
      provisionedResourceCleanup: true,
    });
    credentials.grantRead(this.canary.role);
    this.canary.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.credentialsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );

    this.alarm = new cloudwatch.Alarm(this, 'Failing', {
      alarmDescription:
        'The sign-in canary failed twice in a row: signing in or GET /me through the public origin does not ' +
        'work; its last run report is in the canary artifacts.',
      metric: this.canary.metricSuccessPercent({ period: interval, statistic: 'Average' }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      // A canary that stopped running watches nothing: that is an alarm too.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarm.addAlarmAction(props.alarmAction);
  }
}
