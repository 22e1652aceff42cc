import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PublishedValue } from './published-value.ts';

export interface AuroraProps {
  /**
   * Names the cluster, and so its log group, which must exist before the cluster does. Unique in the
   * account and region per environment. Fixed on purpose: CloudFormation refuses any update that
   * would replace a named resource, so a change that needs a new cluster (another key, master user
   * or engine) fails instead of silently creating an empty database; it is done as a migration.
   */
  readonly clusterIdentifier: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly encryptionKey: kms.IKey;
  readonly secretsManagerEndpoint: ec2.IInterfaceVpcEndpoint;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  /** Serverless v2 readers; they scale with the writer so a failover lands on a warm instance. */
  readonly readers: number;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/** The cluster's master user: provisions roles and the database, nothing else. */
const adminUser = 'authscale_admin';
/** Owns the identity tables and runs the migrations (`@authscale/identity` roles). */
const ownerUser = 'authscale_owner';
/** The role the orchestrator connects as: not the tables' owner, no BYPASSRLS. */
const appUser = 'authscale_app';
/** The role the webhook dispatcher connects as: the outbox and the deliveries, no identity table. */
const eventsUser = 'authscale_events';
/** The role the admin API connects as: the app role's grants and the operators' policies on top. */
const operatorUser = 'authscale_operator';

/**
 * Aurora PostgreSQL Serverless v2 behind RDS Proxy. The proxy pools connections across every
 * orchestrator task, which is what kept the seed's database from falling over; clients must use TLS.
 * Every credential lives in Secrets Manager and rotates every 30 days.
 */
export class Aurora extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly proxy: rds.DatabaseProxy;
  /** RDS Proxy lends connections slowly: the pool is exhausted or pinned. */
  public readonly proxyBorrowLatency: cloudwatch.Alarm;
  /** RDS Proxy holds nearly every connection it may open. */
  public readonly proxyConnectionsUsed: cloudwatch.Alarm;
  /** The application role's credentials (`username`, `password`); the orchestrator reads these. */
  public readonly appSecret: secretsmanager.ISecret;
  /** The webhook dispatcher's role's credentials (`authscale_events`), handled as the app role's. */
  public readonly eventsSecret: secretsmanager.ISecret;
  /** The admin API's role's credentials (`authscale_operator`), handled as the app role's. */
  public readonly operatorSecret: secretsmanager.ISecret;
  /** The tables' owner, for migrations. */
  public readonly ownerSecret: secretsmanager.ISecret;
  /** The master user, for provisioning the roles and the database. */
  public readonly adminSecret: secretsmanager.ISecret;
  /** Created by the identity provisioning step, owned by the owner role (not by the master user). */
  public readonly databaseName = 'authscale';
  /**
   * The database users the app secret names in turn: multi-user rotation alternates between the
   * role and its clone. The proxy admits them only with an IAM authentication token.
   */
  public readonly appUsers = [appUser, `${appUser}_clone`] as const;
  /**
   * The `rds-db:connect` resources of those users through the proxy, computed here from the proxy's
   * ARN and published as they are: the stack that grants them cannot split another stack's output.
   */
  public readonly appUserConnectArns: readonly PublishedValue[];
  /** The dispatcher's users in turn, as `appUsers`. */
  public readonly eventsUsers = [eventsUser, `${eventsUser}_clone`] as const;
  /** The `rds-db:connect` resources of the dispatcher's users through the proxy, as `appUserConnectArns`. */
  public readonly eventsUserConnectArns: readonly PublishedValue[];
  /** The admin API's users in turn, as `appUsers`. */
  public readonly operatorUsers = [operatorUser, `${operatorUser}_clone`] as const;
  /** The `rds-db:connect` resources of the admin API's users through the proxy, as `appUserConnectArns`. */
  public readonly operatorUserConnectArns: readonly PublishedValue[];

  constructor(scope: Construct, id: string, props: AuroraProps) {
    super(scope, id);

    // Created here, before the cluster, so its retention is ours without a log-retention function.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier: props.clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_7 }),
      credentials: rds.Credentials.fromGeneratedSecret(adminUser, { encryptionKey: props.encryptionKey }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { enablePerformanceInsights: true }),
      readers: Array.from({ length: props.readers }, (_, index) =>
        rds.ClusterInstance.serverlessV2(`Reader${index + 1}`, {
          scaleWithWriter: true,
          enablePerformanceInsights: true,
        }),
      ),
      serverlessV2MinCapacity: props.minCapacityAcu,
      serverlessV2MaxCapacity: props.maxCapacityAcu,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      iamAuthentication: true,
      deletionProtection: props.deletionProtection,
      backup: { retention: Duration.days(props.backupRetentionDays), preferredWindow: '02:00-03:00' },
      preferredMaintenanceWindow: 'Sun:03:30-Sun:04:30',
      cloudwatchLogsExports: ['postgresql'],
      // Enhanced monitoring: the instances' OS metrics (memory, swap, processes) Performance Insights lacks.
      monitoringInterval: Duration.seconds(60),
      parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '500' },
      removalPolicy: props.removalPolicy,
      copyTagsToSnapshot: true,
    });
    cluster.node.addDependency(logGroup);
    this.cluster = cluster;
    this.adminSecret = cluster.secret as secretsmanager.ISecret;
    // The credentials outlive the cluster as its snapshot does: a restored snapshot keeps its roles.
    const secretRemovalPolicy =
      props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    (cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(secretRemovalPolicy);

    const rotationSubnets = props.subnets;
    cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
      endpoint: props.secretsManagerEndpoint,
    });

    // The identity provisioning step creates the roles with these secrets' passwords, so the
    // first rotations wait a full period instead of running against roles that do not exist yet.
    const roleSecret = (secretId: string, username: string) => {
      const secret = new rds.DatabaseSecret(this, secretId, {
        username,
        dbname: this.databaseName,
        encryptionKey: props.encryptionKey,
        masterSecret: this.adminSecret,
      });
      secret.applyRemovalPolicy(secretRemovalPolicy);
      return secret.attach(cluster);
    };
    this.ownerSecret = roleSecret('OwnerSecret', ownerUser);
    new secretsmanager.SecretRotation(this, 'OwnerSecretRotation', {
      application: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
      secret: this.ownerSecret,
      target: cluster,
      vpc: props.vpc,
      vpcSubnets: rotationSubnets,
      endpoint: props.secretsManagerEndpoint,
      automaticallyAfter: Duration.days(30),
      rotateImmediatelyOnUpdate: false,
    });
    // Multi-user: the rotation alternates between authscale_app and a clone that is granted
    // authscale_app, so the credentials running tasks hold stay valid until the next rotation.
    this.appSecret = roleSecret('AppSecret', appUser);
    cluster.addRotationMultiUser('AppSecretRotation', {
      secret: this.appSecret,
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
      endpoint: props.secretsManagerEndpoint,
      rotateImmediatelyOnUpdate: false,
    });
    // The dispatcher's role, the same way: another process, another credential, another rotation.
    this.eventsSecret = roleSecret('EventsSecret', eventsUser);
    cluster.addRotationMultiUser('EventsSecretRotation', {
      secret: this.eventsSecret,
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
      endpoint: props.secretsManagerEndpoint,
      rotateImmediatelyOnUpdate: false,
    });
    // The admin API's role, the same way again: the clone is granted authscale_operator, and so its policies.
    this.operatorSecret = roleSecret('OperatorSecret', operatorUser);
    cluster.addRotationMultiUser('OperatorSecretRotation', {
      secret: this.operatorSecret,
      automaticallyAfter: Duration.days(30),
      vpcSubnets: rotationSubnets,
      endpoint: props.secretsManagerEndpoint,
      rotateImmediatelyOnUpdate: false,
    });

    // No fixed name: it is derived from the stack (a feature flag), unique per environment, and the
    // proxy holds no state, so an update that replaces it may (its endpoint reaches the services).
    this.proxy = cluster.addProxy('Proxy', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      secrets: [this.appSecret, this.eventsSecret, this.operatorSecret, this.ownerSecret, this.adminSecret],
      requireTLS: true,
      idleClientTimeout: Duration.minutes(30),
      maxConnectionsPercent: 90,
      debugLogging: false,
    });
    // The application, dispatcher and operator roles connect with IAM authentication tokens their task roles
    // sign, so no task holds their passwords; the proxy keeps using the secrets to reach the
    // database. Migrations and provisioning, one-off runs, keep their passwords.
    const proxyResourceId = Fn.select(6, Fn.split(':', this.proxy.dbProxyArn));
    const connectArns = (users: readonly string[]) =>
      users.map(
        (user) =>
          new PublishedValue(
            this,
            `ConnectAs${user}`,
            Stack.of(this).formatArn({
              service: 'rds-db',
              resource: 'dbuser',
              resourceName: `${proxyResourceId}/${user}`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
            `rds-db:connect through the proxy as ${user}, with an IAM authentication token`,
          ),
      );
    this.appUserConnectArns = connectArns(this.appUsers);
    this.eventsUserConnectArns = connectArns(this.eventsUsers);
    this.operatorUserConnectArns = connectArns(this.operatorUsers);
    (this.proxy.node.defaultChild as rds.CfnDBProxy).auth = [
      { authScheme: 'SECRETS', iamAuth: 'REQUIRED', secretArn: this.appSecret.secretArn },
      { authScheme: 'SECRETS', iamAuth: 'REQUIRED', secretArn: this.eventsSecret.secretArn },
      { authScheme: 'SECRETS', iamAuth: 'REQUIRED', secretArn: this.operatorSecret.secretArn },
      { authScheme: 'SECRETS', iamAuth: 'DISABLED', secretArn: this.ownerSecret.secretArn },
      { authScheme: 'SECRETS', iamAuth: 'DISABLED', secretArn: this.adminSecret.secretArn },
    ];

    const proxyAlarms = this.addAlarms(cluster, props);
    this.proxyBorrowLatency = proxyAlarms.borrowLatency;
    this.proxyConnectionsUsed = proxyAlarms.connectionsUsed;
  }

  private addAlarms(
    cluster: rds.DatabaseCluster,
    props: AuroraProps,
  ): { borrowLatency: cloudwatch.Alarm; connectionsUsed: cloudwatch.Alarm } {
    const capacity = new cloudwatch.Alarm(this, 'CapacityNearMaximum', {
      alarmDescription: 'Aurora Serverless v2 is above 80% of its maximum capacity: raise aurora.maxCapacityAcu.',
      metric: cluster.metricServerlessDatabaseCapacity({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: props.maxCapacityAcu * 0.8,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const cpu = new cloudwatch.Alarm(this, 'CpuHigh', {
      alarmDescription: 'Aurora CPU above 80% for 15 minutes.',
      metric: cluster.metricCPUUtilization({ period: Duration.minutes(5) }),
      threshold: 80,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // RDS Proxy: the orchestrator's queries wait here first when the database runs out of connections.
    const proxyMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        dimensionsMap: { ProxyName: this.proxy.dbProxyName },
        statistic,
        period: Duration.minutes(1),
      });
    const borrowLatency = new cloudwatch.Alarm(this, 'ProxyBorrowLatencyHigh', {
      alarmDescription:
        'RDS Proxy takes over 50 ms on average to lend a database connection, 5 minutes running: the pool is ' +
        'exhausted or connections are pinned.',
      metric: proxyMetric('DatabaseConnectionsBorrowLatency', 'Average'),
      // The metric is in microseconds.
      threshold: 50_000,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const connectionsUsed = new cloudwatch.Alarm(this, 'ProxyConnectionsNearMaximum', {
      alarmDescription:
        'RDS Proxy holds over 90% of the database connections it may open, 5 minutes running: borrowing ' +
        'will wait next; raise aurora.minCapacityAcu (max_connections follows capacity) or find the pinning.',
      metric: new cloudwatch.MathExpression({
        expression: '100 * connections / allowed',
        usingMetrics: {
          connections: proxyMetric('DatabaseConnections', 'Maximum'),
          allowed: proxyMetric('MaxDatabaseConnectionsAllowed', 'Maximum'),
        },
        label: 'Database connections, % of allowed',
        period: Duration.minutes(1),
      }),
      threshold: 90,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [capacity, cpu, borrowLatency, connectionsUsed]) alarm.addAlarmAction(props.alarmAction);
    return { borrowLatency, connectionsUsed };
  }
}
