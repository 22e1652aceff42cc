import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bundledLambda } from './bundled-lambda.ts';
import { k6MetricDeclarations, k6OtelEnvironment } from './load-test/k6-metrics.ts';
import { summariesPrefix } from './load-test/merge-handler.ts';
import { TelemetryCollector } from './telemetry-collector.ts';

/** The k6 image's Dockerfile, inside its build context `load-tests/`. */
export const loadTestDockerfile = 'Dockerfile';

export interface LoadTestRunnerProps {
  /** The environment's name: its metrics namespace, where the k6 metrics go beside the services'. */
  readonly environment: string;
  readonly vpc: ec2.IVpc;
  /** Private subnets with egress: k6 reaches the public edge through the NAT gateways' addresses. */
  readonly subnets: ec2.SubnetSelection;
  /** The `load-tests/` folder: the image's build context. */
  readonly loadTestsDirectory: string;
  readonly cpuArchitecture: 'ARM64' | 'X86_64';
  readonly cpu: number;
  readonly memoryMiB: number;
  /** The environment's public origin, every profile's BASE_URL. */
  readonly baseUrl: string;
  /** When one of these goes off, the running k6 tasks are stopped. */
  readonly stopOn: readonly cloudwatch.IAlarm[];
  readonly logRetention: logs.RetentionDays;
  /** Of the log groups and the summaries bucket. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** How long run summaries are kept. */
  readonly summaryRetention: Duration;
}

/**
 * What a load test runs on: a cluster of its own (so stopping "every task" stops only k6), the k6
 * task definition built from `load-tests/` (`load-tests/Dockerfile`), and the bucket the tasks'
 * summaries go to. The task role may only write objects under `summaries/`. An EventBridge rule
 * stops every k6 task when one of `stopOn` goes off. k6 sends its metrics, tagged with the run's
 * test id, to a collector sidecar that publishes them in the environment's CloudWatch namespace
 * (`load-test/k6-metrics.ts`), where the dashboard's load-test row reads them.
 */
export class LoadTestRunner extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly securityGroups: ec2.ISecurityGroup[];
  public readonly subnets: ec2.SubnetSelection;
  public readonly summaries: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  public readonly stopFunction: lambda.IFunction;
  public readonly stopRole: iam.IRole;

  constructor(scope: Construct, id: string, props: LoadTestRunnerProps) {
    super(scope, id);
    this.subnets = props.subnets;

    this.summaries = new s3.Bucket(this, 'Summaries', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: props.summaryRetention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.logRemovalPolicy,
      // CloudFormation cannot delete a bucket that holds objects.
      autoDeleteObjects: props.logRemovalPolicy === RemovalPolicy.DESTROY,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      // The only writable place: k6's summary and the result the runner uploads.
      volumes: [{ name: 'tmp' }],
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.container = this.taskDefinition.addContainer('k6', {
      image: ecs.ContainerImage.fromAsset(props.loadTestsDirectory, {
        file: loadTestDockerfile,
        platform: props.cpuArchitecture === 'ARM64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
      }),
      readonlyRootFilesystem: true,
      environment: {
        ...k6OtelEnvironment,
        BASE_URL: props.baseUrl,
        SUMMARY_BUCKET: this.summaries.bucketName,
        // The AWS CLI keeps its state under HOME, which must be writable.
        HOME: '/tmp',
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'k6' }),
      // k6 opens a connection per VU; the default soft limit of 1024 caps a task's VUs.
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 65536, hardLimit: 65536 }],
    });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    new TelemetryCollector(this, 'Collector', {
      taskDefinition: this.taskDefinition,
      serviceName: 'loadtest',
      environment: props.environment,
      metricDeclarations: k6MetricDeclarations,
      traces: false,
      traceSampleRatio: 0,
      logGroup: this.logGroup,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({
        // PutObject alone: Bucket.grantPut would add tagging, retention and legal-hold actions k6 never needs.
        actions: ['s3:PutObject'],
        resources: [this.summaries.arnForObjects(`${summariesPrefix}*`)],
      }),
    );
    this.securityGroups = [
      new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
        vpc: props.vpc,
        description: 'k6 tasks: outbound only, to the public edge through NAT and to S3 through its endpoint',
        allowAllOutbound: true,
      }),
    ];

    const { fn: stop, role: stopRole } = bundledLambda(this, {
      entry: new URL('./load-test/stop-handler.ts', import.meta.url).pathname,
      description: 'Stops the running k6 tasks when an alarm of the environment goes off',
      roleDescription: 'Lists and stops the tasks of the load-test cluster',
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      timeout: Duration.minutes(1),
      environment: { CLUSTER_NAME: this.cluster.clusterName },
      statements: [
        new iam.PolicyStatement({
          actions: ['ecs:ListTasks'],
          resources: ['*'],
          conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
        }),
        new iam.PolicyStatement({
          actions: ['ecs:StopTask'],
          resources: [this.cluster.arnForTasks('*')],
        }),
      ],
      ids: { logs: 'StopLogs', role: 'StopRole', function: 'Stop' },
    });
    this.stopFunction = stop;
    this.stopRole = stopRole;
    new events.Rule(this, 'StopOnAlarm', {
      description: 'An alarm of the environment went off: stop the load test',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: props.stopOn.map((alarm) => alarm.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new targets.LambdaFunction(stop, { retryAttempts: 2 })],
    });
  }
}
