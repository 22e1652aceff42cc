import { type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema.ts';
import { FargateService, type FargateServiceProps } from '../constructs/fargate-service.ts';
import { hookSettings } from '../constructs/hook-settings.ts';
import { LogEventAlarm } from '../constructs/log-event-alarm.ts';
import { MailSending } from '../constructs/mail-sending.ts';
import { PlatformEvents } from '../constructs/platform-events.ts';
import { RedeployOnRotation } from '../constructs/redeploy-on-rotation.ts';
import { currentValueOf, rotatingSecretVariables } from '../constructs/shared-secret-rotation.ts';
import { metricsNamespace } from '../constructs/telemetry-collector.ts';
import { adminApiTokenTableActions, grantTokenTableAccess } from '../constructs/token-table.ts';
import { WebhookDeliveryAlarms } from '../constructs/webhook-delivery-alarms.ts';
import type { DataStack } from './data-stack.ts';
import { addOutputs } from './stack-outputs.ts';

export interface ServicesStackProps extends StackProps {
  readonly config: Pick<EnvironmentConfig, 'name' | 'services' | 'edge' | 'signIn' | 'webhooks' | 'adminApi' | 'hooks'>;
  readonly vpc: ec2.IVpc;
  readonly serviceSubnets: ec2.SubnetSelection;
  readonly data: Pick<
    DataStack,
    | 'key'
    | 'aurora'
    | 'redis'
    | 'tokenTable'
    | 'jwtSigningKeys'
    | 'internalApiToken'
    | 'principalAssertionKey'
    | 'totpEncryptionKey'
  >;
  readonly repositoryRoot: string;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
  /** The topic behind `alarmAction`, which the platform events are also sent to. */
  readonly alarmTopic: sns.ITopic;
}

/** The identity migrations' entry point inside the orchestrator image (`services/Dockerfile`). */
export const identityMigrationsEntry = '/app/services/identity/src/migrate-main.ts';

/**
 * The webhook dispatcher inside the orchestrator image, with the image's Node flags (its CMD's):
 * the telemetry preload first, so the dispatcher's metrics have an SDK to go to.
 */
export const webhookDispatcherCommand = [
  'node',
  '--min-semi-space-size=16',
  '--import=@authscale/core/start-telemetry',
  '/app/services/orchestrator/src/webhook-dispatcher-main.ts',
] as const;

/** The admin API inside the orchestrator image, with the same Node flags as the dispatcher's command. */
export const adminApiCommand = [
  ...webhookDispatcherCommand.slice(0, -1),
  '/app/services/orchestrator/src/admin-api-main.ts',
] as const;

/** The ports the services listen on, the same as their local defaults. */
export const servicePorts = { edge: 8080, session: 8081, orchestrator: 8082, adminApi: 8083 } as const;

/**
 * The ECS cluster and the two internal services: the session replicas over the Redis cluster and the
 * orchestrator over Aurora and DynamoDB. Both are reachable only through Service Connect. Beside
 * them the webhook dispatcher, which nothing calls: it works the outbox in Aurora and posts to
 * receivers on the internet. And the admin API, which no load balancer fronts: operators reach it
 * through ECS Exec, or from the networks its parameters name. The rules
 * that report failovers and unexpected task stops live here, beside the cluster they watch.
 */
export class ServicesStack extends Stack {
  public readonly cluster: ecs.ICluster;
  public readonly session: FargateService;
  public readonly orchestrator: FargateService;
  public readonly webhookDispatcher: FargateService;
  public readonly adminApi: FargateService;
  public readonly webhookDelivery: WebhookDeliveryAlarms;
  public readonly redeploysOnRotation: readonly RedeployOnRotation[];

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });
    cluster.addDefaultCloudMapNamespace({
      name: `${config.name}.authscale.internal`,
      type: servicediscovery.NamespaceType.HTTP,
      useForServiceConnect: true,
    });
    this.cluster = cluster;

    const common = {
      cluster,
      secretsKey: data.key,
      repositoryRoot: props.repositoryRoot,
      cpuArchitecture: config.services.cpuArchitecture,
      subnets: props.serviceSubnets,
      acceptsServiceConnectTraffic: true,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environmentName: config.name,
      traceSampleRatio: config.services.traceSampleRatio,
      alarmAction: props.alarmAction,
    };
    // Both services receive these secrets, so they get every value a rotation keeps, not only the current one.
    const internalApiToken = rotatingSecretVariables('INTERNAL_API_TOKEN', data.internalApiToken);

    this.session = new FargateService(this, 'Session', {
      ...common,
      serviceName: 'session',
      containerPort: servicePorts.session,
      sizing: config.services.session,
      environment: {
        SESSION_BACKEND: 'redis-cluster',
        // rediss:// turns TLS on for every node the client discovers; ElastiCache requires it.
        REDIS_CLUSTER_URLS: `rediss://${data.redis.configurationEndpoint}`,
      },
      secrets: {
        // The session user: its keys and the store's commands only (infra/constructs/redis-users.ts).
        REDIS_USERNAME: { secret: data.redis.userSecrets.session, field: 'username' },
        REDIS_PASSWORD: { secret: data.redis.userSecrets.session, field: 'password' },
        ...internalApiToken,
      },
    });
    this.session.connections.allowTo(data.redis, ec2.Port.tcp(data.redis.port), 'session to Redis');

    const database = data.aurora;
    // node-postgres reads the PG* variables itself; RDS Proxy presents a publicly trusted certificate.
    const databaseEndpoint = {
      PGHOST: database.proxy.endpoint,
      PGPORT: '5432',
      PGDATABASE: database.databaseName,
      PGSSLMODE: 'verify-full',
    };
    const mail = new MailSending(this, 'Mail', { domain: config.edge.publicHostname });
    // What the orchestrator and the admin API, which act on accounts, both read: the public origin
    // their mailed links point to, the replicas, the identity database, the token table, and SES v2
    // in this region for the mail.
    const accountServices = {
      PUBLIC_ORIGIN: `https://${config.edge.publicHostname}`,
      SESSION_REPLICAS: `http://session:${servicePorts.session}`,
      ...databaseEndpoint,
      TOKEN_TABLE_NAME: data.tokenTable.table.tableName,
      AWS_REGION: this.region,
      SES_REGION: this.region,
      SES_CONFIGURATION_SET: mail.configurationSetName,
    };
    const hooks = hookSettings(this, config.hooks);
    this.orchestrator = new FargateService(this, 'Orchestrator', {
      ...common,
      serviceName: 'orchestrator',
      containerPort: servicePorts.orchestrator,
      sizing: config.services.orchestrator,
      environment: {
        ...accountServices,
        EMAIL_CODE_SIGN_IN: String(config.signIn.emailCode),
        // Only the edge can reach the orchestrator, and it replaces X-Forwarded-For with the client
        // address it saw; without this, audit events and session records would carry the edge's address.
        // Two hops: the edge, and the Service Connect proxy between them, should it append its own entry.
        TRUST_PROXY_HOPS: '2',
        DATABASE_IAM_AUTH: 'true',
        ...hooks.environment,
      },
      secrets: {
        ...hooks.secrets,
        // The user only: the app signs an IAM authentication token for it on every new connection.
        PGUSER: { secret: database.appSecret, field: 'username' },
        JWT_SIGNING_KEYS: { secret: data.jwtSigningKeys.secret },
        ...internalApiToken,
        ...rotatingSecretVariables('PRINCIPAL_ASSERTION_KEY', data.principalAssertionKey),
        TOTP_ENCRYPTION_KEY: { secret: data.totpEncryptionKey },
      },
      // Every task brings the identity schema up to date before its app starts, so no orchestrator
      // ever runs against an older schema, the first deployment included. The migrations take an
      // advisory lock and run in one transaction: tasks starting together apply them once, and a
      // schema already current costs one query. Only this container holds the owner's credentials.
      initContainer: {
        name: 'migrate',
        command: ['node', identityMigrationsEntry],
        environment: databaseEndpoint,
        secrets: {
          PGUSER: { secret: database.ownerSecret, field: 'username' },
          PGPASSWORD: { secret: database.ownerSecret, field: 'password' },
        },
      },
    });
    this.orchestrator.connections.allowTo(database.proxy, ec2.Port.tcp(5432), 'orchestrator to RDS Proxy');
    // rds-db:connect through this proxy as the app role (or its rotation clone), as nobody else.
    this.orchestrator.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['rds-db:connect'],
        resources: database.appUserConnectArns.map((arn) => arn.readIn(this)),
      }),
    );
    this.webhookDispatcher = this.addWebhookDispatcher(props, common, databaseEndpoint);
    this.webhookDelivery = new WebhookDeliveryAlarms(this, 'WebhookDelivery', {
      metricsNamespace: metricsNamespace(config.name),
      reportedServiceName: this.webhookDispatcher.telemetry.reportedServiceName,
      lagThresholdSeconds: config.webhooks.deliveryLagAlarmSeconds,
      alarmAction: props.alarmAction,
    });

    new LogEventAlarm(this, 'RefreshReplayed', {
      logGroup: this.orchestrator.logGroup,
      event: 'refresh.replayed',
      alarmDescription:
        'A used refresh token came back: a leaked token or a client that lost a rotation (runbook: leaked-refresh-token).',
      alarmAction: props.alarmAction,
    });
    this.orchestrator.connections.allowTo(this.session, ec2.Port.tcp(servicePorts.session), 'orchestrator to session');
    grantTokenTableAccess(data.tokenTable, data.key, this.orchestrator.taskRole);
    mail.grantSend(this.orchestrator.taskRole);
    this.adminApi = this.addAdminApi(props, common, accountServices, mail);

    new PlatformEvents(this, 'PlatformEvents', {
      topic: props.alarmTopic,
      clusterArn: cluster.clusterArn,
      auroraClusterIdentifier: database.cluster.clusterIdentifier,
      redisReplicationGroupId: data.redis.replicationGroupId,
    });

    this.redeploysOnRotation = [
      new RedeployOnRotation(this, 'RedeploySessionOnRotation', {
        service: this.session.service,
        secrets: [data.internalApiToken],
        logRetention: props.logRetention,
        alarmAction: props.alarmAction,
      }),
      new RedeployOnRotation(this, 'RedeployOrchestratorOnRotation', {
        service: this.orchestrator.service,
        secrets: [database.appSecret, data.jwtSigningKeys.secret, data.internalApiToken, data.principalAssertionKey],
        logRetention: props.logRetention,
        alarmAction: props.alarmAction,
      }),
      // A rotation moves the secret to the other user of the pair: new tasks connect as that one.
      new RedeployOnRotation(this, 'RedeployWebhookDispatcherOnRotation', {
        service: this.webhookDispatcher.service,
        secrets: [database.eventsSecret],
        logRetention: props.logRetention,
        alarmAction: props.alarmAction,
      }),
      // Its database users alternate as the dispatcher's; and it sends the internal API token, whose
      // receivers accept a value one rotation old but not two.
      new RedeployOnRotation(this, 'RedeployAdminApiOnRotation', {
        service: this.adminApi.service,
        secrets: [database.operatorSecret, data.internalApiToken],
        logRetention: props.logRetention,
        alarmAction: props.alarmAction,
      }),
    ];

    addOutputs(this, {
      ClusterName: [
        cluster.clusterName,
        'The ECS cluster of the session replicas, the orchestrator, the webhook dispatcher, the admin API and the edge',
      ],
      SessionServiceName: [this.session.service.serviceName, 'The session replicas ECS service'],
      SessionLogGroupName: [this.session.logGroup.logGroupName, 'The session replicas logs'],
      OrchestratorServiceName: [this.orchestrator.service.serviceName, 'The orchestrator ECS service'],
      OrchestratorLogGroupName: [
        this.orchestrator.logGroup.logGroupName,
        'The orchestrator logs; its migrations under the stream prefix orchestrator-migrate',
      ],
      WebhookDispatcherServiceName: [this.webhookDispatcher.service.serviceName, 'The webhook dispatcher ECS service'],
      WebhookDispatcherLogGroupName: [this.webhookDispatcher.logGroup.logGroupName, 'The webhook dispatcher logs'],
      AdminApiServiceName: [
        this.adminApi.service.serviceName,
        'The admin API ECS service; reach it with ECS Exec (docs/deploy.md, "The admin API")',
      ],
      AdminApiLogGroupName: [this.adminApi.logGroup.logGroupName, 'The admin API logs'],
    });
  }

  /**
   * The admin API: the orchestrator's image running its admin entry point, one task (operators are
   * few), its own port in the private subnets. No load balancer, no listener and no Service Connect
   * name lead to it, so nothing on the public path can call it; its port admits only the networks
   * `adminApi.allowedCidrs` names (none by default), and ECS Exec forwards it to an operator's machine.
   * It connects as `authscale_operator` with IAM authentication tokens, calls the session replicas
   * through Service Connect (a client only) with the internal API token, reads and writes token
   * records, and sends mail as the orchestrator does.
   */
  private addAdminApi(
    props: ServicesStackProps,
    common: Omit<FargateServiceProps, 'serviceName' | 'sizing' | 'environment' | 'secrets'>,
    accountServices: Readonly<Record<string, string>>,
    mail: MailSending,
  ): FargateService {
    const { config, data } = props;
    const database = data.aurora;
    const adminApi = new FargateService(this, 'AdminApi', {
      ...common,
      serviceName: 'admin-api',
      runs: { image: 'orchestrator', command: adminApiCommand },
      containerPort: servicePorts.adminApi,
      listenerVariables: { host: 'ADMIN_API_HOST', port: 'ADMIN_API_PORT' },
      sizing: { cpu: config.adminApi.cpu, memoryMiB: config.adminApi.memoryMiB },
      acceptsServiceConnectTraffic: false,
      execCommand: true,
      httpsEgressPurpose: 'Session Manager (ECS Exec)',
      environment: { ...accountServices, DATABASE_IAM_AUTH: 'true' },
      secrets: {
        PGUSER: { secret: database.operatorSecret, field: 'username' },
        // A sender of the token, as the edge is of the assertion key: the current value only.
        INTERNAL_API_TOKEN: currentValueOf(data.internalApiToken),
        TOTP_ENCRYPTION_KEY: { secret: data.totpEncryptionKey },
      },
    });
    for (const cidr of config.adminApi.allowedCidrs) {
      adminApi.connections.allowFrom(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(servicePorts.adminApi),
        'operators to the admin API',
      );
    }
    adminApi.connections.allowTo(database.proxy, ec2.Port.tcp(5432), 'admin API to RDS Proxy');
    adminApi.connections.allowTo(this.session, ec2.Port.tcp(servicePorts.session), 'admin API to session');
    adminApi.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['rds-db:connect'],
        resources: database.operatorUserConnectArns.map((arn) => arn.readIn(this)),
      }),
    );
    grantTokenTableAccess(data.tokenTable, data.key, adminApi.taskRole, adminApiTokenTableActions);
    mail.grantSend(adminApi.taskRole);
    return adminApi;
  }

  /**
   * The webhook dispatcher: the orchestrator's image running its dispatcher entry point, a fixed
   * number of tasks, no port. It reaches RDS Proxy as `authscale_events` with IAM authentication
   * tokens, and the internet on 443 through the NAT gateways. It holds the TOTP key (endpoint
   * secrets are sealed under a key derived from it) and no other secret of the orchestrator's; its
   * task role may connect as its own database users and write its telemetry, nothing else.
   */
  private addWebhookDispatcher(
    props: ServicesStackProps,
    common: Omit<FargateServiceProps, 'serviceName' | 'sizing' | 'environment' | 'secrets'>,
    databaseEndpoint: Readonly<Record<string, string>>,
  ): FargateService {
    const { config, data } = props;
    const database = data.aurora;
    const dispatcher = new FargateService(this, 'WebhookDispatcher', {
      ...common,
      serviceName: 'webhook-dispatcher',
      runs: { image: 'orchestrator', command: webhookDispatcherCommand },
      sizing: config.webhooks.dispatcher,
      acceptsServiceConnectTraffic: false,
      // A delivery's span would record the receiver's URL, which a tenant chose: none leaves the task.
      traces: false,
      httpsEgressPurpose: 'webhook receivers',
      environment: {
        // Read only to refuse the INSECURE_* switches off loopback.
        PUBLIC_ORIGIN: `https://${config.edge.publicHostname}`,
        ...databaseEndpoint,
        AWS_REGION: this.region,
        DATABASE_IAM_AUTH: 'true',
        // The lag alarm's p99 needs buckets CloudWatch can read (telemetry-collector.ts).
        OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'base2_exponential_bucket_histogram',
      },
      secrets: {
        // The user only, as the orchestrator's: an IAM authentication token for each connection.
        PGUSER: { secret: database.eventsSecret, field: 'username' },
        TOTP_ENCRYPTION_KEY: { secret: data.totpEncryptionKey },
      },
    });
    dispatcher.connections.allowTo(database.proxy, ec2.Port.tcp(5432), 'webhook dispatcher to RDS Proxy');
    dispatcher.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['rds-db:connect'],
        resources: database.eventsUserConnectArns.map((arn) => arn.readIn(this)),
      }),
    );
    return dispatcher;
  }
}
