import { ArnFormat, CustomResource, Duration, Fn, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Aurora } from './aurora.ts';
import { bundledLambda } from './bundled-lambda.ts';
import { serviceImage } from './service-image.ts';

/** The identity provisioning command inside the orchestrator image (`services/Dockerfile`). */
export const identityProvisioningEntry = '/app/services/identity/src/provision-main.ts';

/** The database every Aurora PostgreSQL cluster has, where the master user connects to create others. */
const maintenanceDatabase = 'postgres';

export interface IdentityProvisioningProps {
  readonly vpc: ec2.IVpc;
  /** Where the task runs: it needs the proxy and the VPC endpoints, nothing on the internet. */
  readonly subnets: ec2.SubnetSelection;
  readonly database: Pick<
    Aurora,
    'proxy' | 'adminSecret' | 'ownerSecret' | 'appSecret' | 'eventsSecret' | 'operatorSecret' | 'databaseName'
  >;
  /** The build context of the orchestrator image, which carries the identity commands. */
  readonly repositoryRoot: string;
  readonly cpuArchitecture: 'ARM64' | 'X86_64';
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Creates the identity database's roles and the database itself at deploy, before any orchestrator
 * task migrates or connects: a one-off Fargate task runs the identity provisioning command from the
 * orchestrator image as the cluster's master user, through RDS Proxy, with the owner, app,
 * events and operator secrets' passwords for the roles it creates. A custom resource runs it on the first deployment
 * and whenever its task definition changes (every new image), and fails the deployment if it fails.
 * The command is idempotent and leaves an existing role's password alone (rotation owns it).
 * The master user's credentials reach this task and no other; the function that starts it holds
 * no database credentials at all.
 */
export class IdentityProvisioning extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Pulls the image, writes logs and reads the five database secrets. */
  public readonly executionRole: iam.IRole;
  public readonly logGroup: logs.ILogGroup;
  public readonly connections: ec2.Connections;
  /** The role of the function that runs the task on CloudFormation's behalf. */
  public readonly runnerRole: iam.IRole;
  /** The function the custom resource calls to run the task. */
  public readonly runnerFunction: lambda.IFunction;
  public readonly containerName = 'provision';
  /** The task's network, as `aws ecs run-task --network-configuration` takes it (a run by hand). */
  public readonly networkConfiguration: string;

  constructor(scope: Construct, id: string, props: IdentityProvisioningProps) {
    super(scope, id);
    const { database } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition = taskDefinition;
    this.executionRole = taskDefinition.obtainExecutionRole();
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.logGroup = logGroup;
    taskDefinition.addContainer(this.containerName, {
      image: serviceImage(props.repositoryRoot, 'orchestrator', props.cpuArchitecture),
      essential: true,
      readonlyRootFilesystem: true,
      command: ['node', identityProvisioningEntry],
      environment: {
        PGHOST: database.proxy.endpoint,
        PGPORT: '5432',
        PGDATABASE: maintenanceDatabase,
        // RDS Proxy presents a publicly trusted certificate.
        PGSSLMODE: 'verify-full',
        IDENTITY_DATABASE: database.databaseName,
      },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(database.adminSecret, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(database.adminSecret, 'password'),
        OWNER_ROLE_PASSWORD: ecs.Secret.fromSecretsManager(database.ownerSecret, 'password'),
        APP_ROLE_PASSWORD: ecs.Secret.fromSecretsManager(database.appSecret, 'password'),
        EVENTS_ROLE_PASSWORD: ecs.Secret.fromSecretsManager(database.eventsSecret, 'password'),
        OPERATOR_ROLE_PASSWORD: ecs.Secret.fromSecretsManager(database.operatorSecret, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'identity' }),
    });

    // Outbound: the VPC endpoints (ECR, logs, Secrets Manager) over HTTPS, and the proxy.
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'authscale identity provisioning task',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.connections.allowTo(database.proxy, ec2.Port.tcp(5432), 'identity provisioning to RDS Proxy');

    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
    this.networkConfiguration =
      `awsvpcConfiguration={subnets=[${Fn.join(',', subnetIds)}],` +
      `securityGroups=[${securityGroup.securityGroupId}],assignPublicIp=DISABLED}`;

    const runner = this.runner(taskDefinition, props.logRetention, props.logRemovalPolicy);
    this.runnerFunction = runner;
    this.runnerRole = runner.role as iam.IRole;
    const provisioned = new CustomResource(this, 'Run', {
      serviceToken: runner.functionArn,
      resourceType: 'Custom::IdentityProvisioning',
      // Any change here (a new task definition revision above all) runs the task again.
      properties: {
        cluster: this.cluster.clusterArn,
        taskDefinition: taskDefinition.taskDefinitionArn,
        containerName: this.containerName,
        subnets: subnetIds,
        securityGroups: [securityGroup.securityGroupId],
      },
      serviceTimeout: Duration.minutes(15),
    });
    // The proxy's target group waits for the cluster's instances; the task needs both.
    provisioned.node.addDependency(database.proxy);
  }

  /** The function that starts the task and waits for it: ECS calls on this cluster and task family only. */
  private runner(
    taskDefinition: ecs.FargateTaskDefinition,
    logRetention: logs.RetentionDays,
    logRemovalPolicy: RemovalPolicy,
  ): lambda.IFunction {
    const stack = Stack.of(this);
    const { fn } = bundledLambda(this, {
      entry: new URL('./identity-provisioning/provision-handler.ts', import.meta.url).pathname,
      description: 'Runs the identity provisioning task to completion for CloudFormation',
      roleDescription: 'Runs the identity provisioning task at deploy and waits for it',
      statements: [
        // The revision CloudFormation just registered: the custom resource waits for this policy.
        new iam.PolicyStatement({
          actions: ['ecs:RunTask'],
          resources: [taskDefinition.taskDefinitionArn],
          conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
        }),
        // A task's id exists only once it runs: any task, but of this cluster only.
        new iam.PolicyStatement({
          actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
          resources: [
            stack.formatArn({
              service: 'ecs',
              resource: 'task',
              resourceName: `${this.cluster.clusterName}/*`,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [taskDefinition.taskRole.roleArn, this.executionRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        }),
      ],
      logRetention,
      logRemovalPolicy,
      // Long enough for a few task runs; the handler answers CloudFormation a minute before it ends.
      timeout: Duration.minutes(15),
      ids: { logs: 'RunnerLogs', role: 'RunnerRole', function: 'Runner' },
    });
    return fn;
  }
}
