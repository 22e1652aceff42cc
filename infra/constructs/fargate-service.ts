import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ServiceSizing, WorkerSizing } from '../config/schema.ts';
import { imageServices, serviceImage } from './service-image.ts';
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
  /**
   * Names the service: its log streams, its telemetry (`authscale-<name>`), and for one that serves,
   * the Service Connect name other services call. The three services are also their image's folder.
   */
  readonly serviceName: (typeof imageServices)[number] | 'webhook-dispatcher' | 'admin-api';
  /**
   * Another service's image, and the command of it this one runs: a process that ships inside
   * that image (the webhook dispatcher and the admin API, in the orchestrator's).
   * @default the image of `serviceName`, with its own command
   */
  readonly runs?: { readonly image: (typeof imageServices)[number]; readonly command: readonly string[] };
  /** The build context: the repository root, which holds the workspace lockfile. */
  readonly repositoryRoot: string;
  /**
   * The port the app serves HTTP on: its port mapping, its health check, its Service Connect entry.
   * @default none: a worker, which serves nothing; ECS watches its process, and it joins no Service Connect
   */
  readonly containerPort?: number;
  /**
   * The variables the app reads its listening address and port from.
   * @default { host: 'HOST', port: 'PORT' }
   */
  readonly listenerVariables?: { readonly host: string; readonly port: string };
  /** Autoscaled on CPU between a floor and a ceiling, or (a worker) a fixed number of tasks. */
  readonly sizing: ServiceSizing | WorkerSizing;
  /** What the tasks reach on port 443 beside the AWS endpoints, for the egress rule. @default 'OpenID providers' */
  readonly httpsEgressPurpose?: string;
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
  /** Whether the app sends traces (to X-Ray, which the task role may then write). @default true */
  readonly traces?: boolean;
  /**
   * ECS Exec on the app container, which is how an operator reaches a service no load balancer
   * fronts: a shell, or a port forwarded through Session Manager. The task role then holds the
   * `ssmmessages` channel actions, which have no resource-level permissions.
   * @default false
   */
  readonly execCommand?: boolean;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * One authscale service on Fargate: an image built from `services/Dockerfile` for the service, a read-only
 * root filesystem, the deployment circuit breaker with rollback, Service Connect, and target-tracking
 * on CPU between the configured floor and ceiling. There is no fixed desired count: autoscaling owns it.
 * Sized without a floor and ceiling (a worker, the admin API), a service runs a fixed task count; a
 * worker (no `containerPort`) has neither port nor Service Connect.
 */
export class FargateService extends Construct {
  public readonly service: ecs.FargateService;
  /** Absent for a worker, whose task count is fixed. */
  public readonly scaling: ecs.ScalableTaskCount | undefined;
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
    const imageOf = props.runs?.image ?? imageServices.find((name) => name === serviceName);
    if (!imageOf) throw new TypeError(`FargateService: ${serviceName} has no image of its own; name it in runs.image`);
    const image = serviceImage(props.repositoryRoot, imageOf, props.cpuArchitecture);
    this.allowSecretsKey(props.secretsKey, this.executionRole);
    this.telemetry = new TelemetryCollector(this, 'Telemetry', {
      taskDefinition,
      serviceName,
      environment: props.environmentName,
      traceSampleRatio: props.traceSampleRatio,
      ...(props.traces === undefined ? {} : { traces: props.traces }),
      logGroup,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    const app = taskDefinition.addContainer('app', {
      image,
      ...(props.runs ? { command: [...props.runs.command] } : {}),
      essential: true,
      readonlyRootFilesystem: true,
      // NODE_ENV comes from the image; these are the settings every service's config schema reads.
      environment: {
        ...(containerPort === undefined ? {} : this.listenerEnvironment(containerPort, props.listenerVariables)),
        LOG_LEVEL: 'info',
        ...this.telemetry.appEnvironment,
        ...props.environment,
      },
      secrets: this.containerSecrets(props.secrets),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: serviceName }),
      ...(containerPort === undefined ? {} : this.listening(containerPort)),
      stopTimeout: Duration.seconds(30),
    });
    // Started first so the app's first exports find it; not awaited healthy, so telemetry never holds the app back.
    app.addContainerDependencies({
      container: this.telemetry.container,
      condition: ecs.ContainerDependencyCondition.START,
    });
    if (props.execCommand) this.giveExecAgentItsDirectories(app);
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
    securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      `HTTPS to AWS endpoints and ${props.httpsEgressPurpose ?? 'OpenID providers'}`,
    );
    const service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      securityGroups: [securityGroup],
      taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: props.execCommand ?? false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      // Autoscaling owns the count of a service with a floor and a ceiling; any other runs a fixed number.
      ...('minTasks' in sizing ? {} : { desiredCount: sizing.tasks ?? 1 }),
      // A worker calls no service by name and is called by none: no proxy beside it.
      ...(containerPort === undefined
        ? {}
        : {
            serviceConnectConfiguration: {
              services: props.acceptsServiceConnectTraffic
                ? [{ portMappingName: 'http', dnsName: serviceName, port: containerPort }]
                : [],
              logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `${serviceName}-service-connect` }),
            },
          }),
    });
    this.service = service;
    this.connections = service.connections;

    if ('minTasks' in sizing) {
      this.scaling = service.autoScaleTaskCount({ minCapacity: sizing.minTasks, maxCapacity: sizing.maxTasks });
      this.scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: sizing.targetCpuPercent,
        scaleOutCooldown: Duration.seconds(60),
        scaleInCooldown: Duration.minutes(5),
      });
    }

    const saturated = new cloudwatch.Alarm(this, 'CpuSaturated', {
      alarmDescription: this.scaling
        ? `${serviceName}: CPU above 90% for 10 minutes; autoscaling is at its ceiling or too slow.`
        : `${serviceName}: CPU above 90% for 10 minutes; give its tasks more CPU or run more of them.`,
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

  /** Where the app listens: every interface of the task, on its port. */
  private listenerEnvironment(
    containerPort: number,
    { host, port }: { readonly host: string; readonly port: string } = { host: 'HOST', port: 'PORT' },
  ): Record<string, string> {
    return { [host]: '0.0.0.0', [port]: String(containerPort) };
  }

  /**
   * The agent ECS Exec starts inside the container writes its state and logs under these paths;
   * the root filesystem stays read-only, so each is an empty volume of the task's own storage.
   */
  private giveExecAgentItsDirectories(app: ecs.ContainerDefinition): void {
    for (const [name, containerPath] of [
      ['exec-agent-state', '/var/lib/amazon/ssm'],
      ['exec-agent-logs', '/var/log/amazon/ssm'],
    ] as const) {
      this.taskDefinition.addVolume({ name });
      app.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
    }
  }

  /** What a container that serves HTTP adds: its port, and a probe of its `/healthz`. */
  private listening(containerPort: number): Pick<ecs.ContainerDefinitionOptions, 'portMappings' | 'healthCheck'> {
    return {
      portMappings: [{ name: 'http', containerPort, appProtocol: ecs.AppProtocol.http }],
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
    };
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
