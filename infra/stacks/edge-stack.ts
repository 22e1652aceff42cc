import { Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema.ts';
import { Dashboard } from '../constructs/dashboard.ts';
import { FargateService } from '../constructs/fargate-service.ts';
import { LoadBalancer } from '../constructs/load-balancer.ts';
import { RedeployOnRotation } from '../constructs/redeploy-on-rotation.ts';
import { currentValueOf } from '../constructs/shared-secret-rotation.ts';
import { SignInCanary } from '../constructs/sign-in-canary.ts';
import { metricsNamespace } from '../constructs/telemetry-collector.ts';
import { WebAcl } from '../constructs/web-acl.ts';
import type { DataStack } from './data-stack.ts';
import { type ServicesStack, servicePorts } from './services-stack.ts';
import { addOutputs } from './stack-outputs.ts';

export interface EdgeStackProps extends StackProps {
  readonly config: Pick<EnvironmentConfig, 'name' | 'services' | 'edge' | 'waf' | 'protectData' | 'loadTest'>;
  readonly vpc: ec2.IVpc;
  readonly publicSubnets: ec2.SubnetSelection;
  readonly serviceSubnets: ec2.SubnetSelection;
  readonly data: Pick<
    DataStack,
    'key' | 'aurora' | 'redis' | 'tokenTable' | 'internalApiToken' | 'principalAssertionKey' | 'canaryCredentials'
  >;
  readonly services: Pick<
    ServicesStack,
    'cluster' | 'session' | 'orchestrator' | 'webhookDispatcher' | 'webhookDelivery'
  >;
  readonly repositoryRoot: string;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
  /** Where the load-test tasks send from, when the environment has a load test: the WAF rate rules skip them. */
  readonly loadTestAddresses?: readonly string[];
}

/**
 * The seed's edge router: the internet-facing load balancer (TLS, HTTP to HTTPS redirect, access
 * logs), the WAF rate rules in front of it, the edge service behind it, the sign-in canary that
 * goes through all of them, and the dashboard.
 */
export class EdgeStack extends Stack {
  public readonly loadBalancer: LoadBalancer;
  public readonly edge: FargateService;
  public readonly webAcl: WebAcl;
  public readonly redeployOnRotation: RedeployOnRotation;
  public readonly canary: SignInCanary;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config, data, services } = props;
    const { hostedZone, publicHostname } = config.edge;
    const publicOrigin = `https://${publicHostname}`;

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      subnets: props.publicSubnets,
      certificateArn: config.edge.certificateArn,
      accessLogRetentionDays: config.edge.accessLogRetentionDays,
      removalPolicy: props.logRemovalPolicy,
      deletionProtection: config.protectData,
      alarmAction: props.alarmAction,
      ...(hostedZone
        ? {
            publicName: {
              hostname: publicHostname,
              zone: route53.PublicHostedZone.fromHostedZoneAttributes(this, 'PublicZone', {
                hostedZoneId: hostedZone.id,
                zoneName: hostedZone.name,
              }),
            },
          }
        : {}),
    });

    this.webAcl = new WebAcl(this, 'WebAcl', {
      resourceArn: this.loadBalancer.loadBalancer.loadBalancerArn,
      perIpRequestsPer5Min: config.waf.perIpRequestsPer5Min,
      authPerIpRequestsPer5Min: config.waf.authPerIpRequestsPer5Min,
      logRetention: props.logRetention,
      ...(props.loadTestAddresses ? { loadTestAddresses: props.loadTestAddresses } : {}),
    });

    this.edge = new FargateService(this, 'Edge', {
      cluster: services.cluster,
      serviceName: 'edge',
      repositoryRoot: props.repositoryRoot,
      containerPort: servicePorts.edge,
      sizing: config.services.edge,
      cpuArchitecture: config.services.cpuArchitecture,
      subnets: props.serviceSubnets,
      environment: {
        PUBLIC_ORIGIN: publicOrigin,
        SESSION_REPLICAS: `http://session:${servicePorts.session}`,
        ORCHESTRATOR_URL: `http://orchestrator:${servicePorts.orchestrator}`,
        // The rate-limit counters share the session cluster; rediss:// turns TLS on for every node.
        RATE_LIMIT_REDIS_URLS: `rediss://${data.redis.configurationEndpoint}`,
        // The near cache reads each user's invalidation epoch from the session cluster (tracked reads).
        SESSION_REDIS_URLS: `rediss://${data.redis.configurationEndpoint}`,
        // The load balancer is the one hop in front; the client address is the last X-Forwarded-For entry.
        TRUST_PROXY_HOPS: '1',
        // A load test sends from the NAT addresses: counted, it would measure the limiter. Only
        // those addresses are exempt; every other client keeps the limits.
        ...(props.loadTestAddresses && props.loadTestAddresses.length > 0
          ? { RATE_LIMIT_EXEMPT_CIDRS: props.loadTestAddresses.map((address) => `${address}/32`).join(',') }
          : {}),
      },
      secrets: {
        // Both clients log in as the edge's user: its counters, and the epochs read-only.
        RATE_LIMIT_REDIS_USERNAME: { secret: data.redis.userSecrets.edge, field: 'username' },
        RATE_LIMIT_REDIS_PASSWORD: { secret: data.redis.userSecrets.edge, field: 'password' },
        SESSION_REDIS_USERNAME: { secret: data.redis.userSecrets.edge, field: 'username' },
        SESSION_REDIS_PASSWORD: { secret: data.redis.userSecrets.edge, field: 'password' },
        // The edge only sends the token and signs assertions: the current values are all it needs.
        INTERNAL_API_TOKEN: currentValueOf(data.internalApiToken),
        PRINCIPAL_ASSERTION_KEY: currentValueOf(data.principalAssertionKey),
      },
      secretsKey: data.key,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environmentName: config.name,
      traceSampleRatio: config.services.traceSampleRatio,
      alarmAction: props.alarmAction,
    });
    this.redeployOnRotation = new RedeployOnRotation(this, 'RedeployEdgeOnRotation', {
      service: this.edge.service,
      secrets: [data.internalApiToken, data.principalAssertionKey],
      logRetention: props.logRetention,
      alarmAction: props.alarmAction,
    });
    const edgeConnections = this.edge.connections;
    edgeConnections.allowTo(services.session, ec2.Port.tcp(servicePorts.session), 'edge to session');
    edgeConnections.allowTo(services.orchestrator, ec2.Port.tcp(servicePorts.orchestrator), 'edge to orchestrator');
    edgeConnections.allowTo(
      data.redis,
      ec2.Port.tcp(data.redis.port),
      'edge to Redis (rate-limit counters, session epochs)',
    );

    const targetGroup = this.loadBalancer.routeTo(this.edge.service, servicePorts.edge);
    // A deployment that raises the edge 5xx rate or p99 latency rolls back on its own, even when every
    // new task is healthy (the circuit breaker only sees tasks that fail to start or pass health checks).
    this.edge.service.enableDeploymentAlarms(
      this.loadBalancer.edgeAlarms.map((alarm) => alarm.alarmName),
      { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    );
    // Present for every service sized with a floor and a ceiling; only a worker has none.
    const scaling = this.edge.scaling;
    if (!scaling) throw new TypeError('EdgeStack: the edge is autoscaled, so its sizing needs minTasks and maxTasks');
    scaling.scaleOnRequestCount('Requests', {
      targetGroup,
      requestsPerTarget: config.services.edgeRequestsPerTask,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });

    this.canary = new SignInCanary(this, 'SignInCanary', {
      environmentName: config.name,
      publicOrigin,
      credentials: data.canaryCredentials,
      credentialsKey: data.key,
      removalPolicy: props.logRemovalPolicy,
      alarmAction: props.alarmAction,
    });

    const dashboardName = `authscale-${config.name}`;
    new Dashboard(this, 'Dashboard', {
      dashboardName,
      loadBalancer: this.loadBalancer,
      targetGroup,
      clusterName: services.cluster.clusterName,
      services: [this.edge, services.session, services.orchestrator, services.webhookDispatcher],
      edgeService: this.edge,
      metricsNamespace: metricsNamespace(config.name),
      sessionServiceName: services.session.service.serviceName,
      redis: data.redis,
      aurora: data.aurora,
      tokenTable: data.tokenTable,
      canary: this.canary,
      webhookDelivery: services.webhookDelivery,
      alarmAction: props.alarmAction,
      loadTests: config.loadTest !== undefined,
    });

    const alb = this.loadBalancer.loadBalancer;
    addOutputs(this, {
      PublicOrigin: [publicOrigin, 'PUBLIC_ORIGIN of the services: the JWT issuer and WebAuthn relying party'],
      LoadBalancerDnsName: [alb.loadBalancerDnsName, 'Point the public host name here (alias or CNAME)'],
      LoadBalancerHostedZoneId: [alb.loadBalancerCanonicalHostedZoneId, 'For an alias record in another zone'],
      PublicDnsRecord: [
        hostedZone
          ? `alias A record ${publicHostname} in ${hostedZone.name} (${hostedZone.id})`
          : `none: point ${publicHostname} at LoadBalancerDnsName`,
        'Whether this stack publishes the public host name',
      ],
      WebAclArn: [this.webAcl.webAclArn, 'The WAF web ACL in front of the load balancer'],
      EdgeServiceName: [this.edge.service.serviceName, 'The edge ECS service'],
      EdgeLogGroupName: [this.edge.logGroup.logGroupName, 'The edge containers logs'],
      DashboardName: [dashboardName, 'The CloudWatch dashboard'],
      CanaryName: [this.canary.canary.canaryName, 'The sign-in canary (CloudWatch Synthetics)'],
    });
  }
}
