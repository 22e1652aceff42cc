import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ServiceSizing } from '../config/schema.ts';
import { serviceImage } from './service-image.ts';
import { TelemetryCollector } from './telemetry-collector.ts';

/** A secret injected as an environment variable: the whole value, or one JSON field of it. */
export interface ServiceSecret {
  readonly secret: secretsmanager.ISecret;
  readonly field?: string;
}

export interface InitContainer {
  /** The container name, also its log stream prefix after the service name. */
  readonly name: string;
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, ServiceSecret>>;
}

export interface FargateServiceProps {
  readonly cluster: ecs.ICluster;
  /** The folder under `services/` and the Service Connect name other services call. */
  readonly serviceName: 'edge' | 'session' | 'orchestrator';
  /** The build context: the repository root, which holds the workspace lockfile. */
  readonly repositoryRoot: string;
  readonly containerPort: number;
  readonly sizing: ServiceSizing;
  readonly cpuArchitecture: 'ARM64' | 'X86_64';
  readonly subnets: ec2.SubnetSelection;
  /** Non-secret settings, beside the ones every service gets (HOST, PORT, LOG_LEVEL, NODE_ENV). */
  readonly environment: Readonly<Record<string, string>>;
  /** Injected by the ECS agent at start; only the execution role can read them, the task role cannot. */
  readonly secrets: Readonly<Record<string, ServiceSecret>>;
  /**
   * A command from the same image that every task runs to completion before the app starts: the app
   * container starts only after it exits 0, so a failure stops the task and the circuit breaker
   * rolls the deployment back. It gets only its own variables and secrets, none of the app's.
   * @default none
   */
  readonly initContainer?: InitContainer;
  /** The key the secrets are encrypted with; the execution role may use it only through Secrets Manager. */
  readonly secretsKey: kms.IKey;
  /**
   * Registers the service in the Service Connect namespace so others reach it at
   * `http://<serviceName>:<containerPort>`.
   * @default false: the service only calls others (the edge, which the load balancer reaches)
   */
  readonly acceptsServiceConnectTraffic?: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Where the task's collector sidecar reports from (`deployment.environment.name`, the metrics namespace). */
  readonly environmentName: string;
  /** The share of the traces this service starts that are kept. */
  readonly traceSampleRatio: number;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * One authscale service on Fargate: an image built from `services/Dockerfile` for the service, a read-only
 * root filesystem, the deployment circuit breaker with rollback, Service Connect, and target-tracking
 * on CPU between the configured floor and ceiling. There is no fixed desired count: autoscaling owns it.
 */
export class FargateService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly scaling: ecs.ScalableTaskCount;
  /** Grant the service's data access to this role (DynamoDB, KMS); it holds nothing else. */
  public readonly taskRole: iam.IRole;
  /** Pulls the image, writes logs and reads the injected secrets; the app never holds it. */
  public readonly executionRole: iam.IRole;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Every container's logs: the app's JSON lines, the migrations', Service Connect's. */
  public readonly logGroup: logs.ILogGroup;
  /** The tasks running each minute (Container Insights). */
  public readonly runningTaskCount: cloudwatch.Metric;
  /** The sidecar the app exports its traces and metrics to. */
  public readonly telemetry: TelemetryCollector;
  public readonly connections: ec2.Connections;
  /** Secrets imported by ARN, one construct per secret however many containers read it. */
  private readonly secretReferences = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { sizing, serviceName, containerPort } = props;

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskRole = taskDefinition.taskRole;
    this.executionRole = taskDefinition.obtainExecutionRole();
    this.taskDefinition = taskDefinition;

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.logGroup = logGroup;
    const image = serviceImage(props.repositoryRoot, serviceName, props.cpuArchitecture);
    this.allowSecretsKey(props.secretsKey, this.executionRole);
    this.telemetry = new TelemetryCollector(this, 'Telemetry', {
      taskDefinition,
      serviceName,
      environment: props.environmentName,
      traceSampleRatio: props.traceSampleRatio,
      logGroup,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    const app = taskDefinition.addContainer('app', {
      image,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ name: 'http', containerPort, appProtocol: ecs.AppProtocol.http }],
      // NODE_ENV comes from the image; these are the settings every service's config schema reads.
      environment: {
        HOST: '0.0.0.0',
        PORT: String(containerPort),
        LOG_LEVEL: 'info',
        ...this.telemetry.appEnvironment,
        ...props.environment,
      },
      secrets: this.containerSecrets(props.secrets),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: serviceName }),
      // The image has no curl; Node's fetch is the probe.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${containerPort}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      stopTimeout: Duration.seconds(30),
    });
    // Started first so the app's first exports find it; not awaited healthy, so telemetry never holds the app back.
    app.addContainerDependencies({
      container: this.telemetry.container,
      condition: ecs.ContainerDependencyCondition.START,
    });
    const init = props.initContainer;
    if (init) {
      const initContainer = taskDefinition.addContainer(init.name, {
        image,
        essential: false,
        readonlyRootFilesystem: true,
        command: [...init.command],
        environment: { ...init.environment },
        secrets: this.containerSecrets(init.secrets),
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `${serviceName}-${init.name}` }),
      });
      app.addContainerDependencies({ container: initContainer, condition: ecs.ContainerDependencyCondition.SUCCESS });
    }

    // Outbound is HTTPS (AWS endpoints, ECR, OpenID providers) plus the peers granted with allowTo.
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: `authscale ${serviceName} tasks`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints and OpenID providers');
    const service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      securityGroups: [securityGroup],
      taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      serviceConnectConfiguration: {
        services: props.acceptsServiceConnectTraffic
          ? [{ portMappingName: 'http', dnsName: serviceName, port: containerPort }]
          : [],
        logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `${serviceName}-service-connect` }),
      },
    });
    this.service = service;
    this.connections = service.connections;

    this.scaling = service.autoScaleTaskCount({ minCapacity: sizing.minTasks, maxCapacity: sizing.maxTasks });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: sizing.targetCpuPercent,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });

    const saturated = new cloudwatch.Alarm(this, 'CpuSaturated', {
      alarmDescription: `${serviceName}: CPU above 90% for 10 minutes; autoscaling is at its ceiling or too slow.`,
      metric: service.metricCpuUtilization({ period: Duration.minutes(1) }),
      threshold: 90,
      evaluationPeriods: 10,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    saturated.addAlarmAction(props.alarmAction);

    // Fewer tasks running than ECS wants, for 5 minutes: tasks that crash, fail health checks or cannot
    // be placed. A deployment briefly runs more, never fewer (minHealthyPercent 100), so it does not trip this.
    const taskCount = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: props.cluster.clusterName, ServiceName: service.serviceName },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      });
    this.runningTaskCount = taskCount('RunningTaskCount').with({ label: serviceName });
    const tasksMissing = new cloudwatch.Alarm(this, 'TasksBelowDesired', {
      alarmDescription: `${serviceName}: fewer tasks running than desired for 5 minutes; see the stopped tasks' reasons.`,
      metric: new cloudwatch.MathExpression({
        expression: 'desired - running',
        usingMetrics: { desired: taskCount('DesiredTaskCount'), running: this.runningTaskCount },
        label: 'Tasks missing',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Container Insights reports every minute while the service exists; silence is not an outage of the service.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    tasksMissing.addAlarmAction(props.alarmAction);
  }

  /**
   * The secrets are referenced by ARN from this stack, so reading them grants the execution role
   * GetSecretValue on exactly those secrets, without writing this stack's role into the data stack's
   * key policy (which would make the stacks cyclic).
   */
  private containerSecrets(secrets: Readonly<Record<string, ServiceSecret>>): Record<string, ecs.Secret> {
    const reference = (secret: secretsmanager.ISecret) => {
      const key = secret.node.path;
      let imported = this.secretReferences.get(key);
      if (!imported) {
        imported = secretsmanager.Secret.fromSecretCompleteArn(
          this,
          `Secret${this.secretReferences.size + 1}`,
          secret.secretArn,
        );
        this.secretReferences.set(key, imported);
      }
      return imported;
    };
    return Object.fromEntries(
      Object.entries(secrets).map(([name, { secret, field }]) => [
        name,
        ecs.Secret.fromSecretsManager(reference(secret), field),
      ]),
    );
  }

  /** Decrypt with the secrets' key, only when Secrets Manager asks on the role's behalf. */
  private allowSecretsKey(key: kms.IKey, executionRole: iam.IRole): void {
    executionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
