import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly certificateArn: string;
  readonly accessLogRetentionDays: number;
  /** Applies to the access-log bucket; DESTROY also empties it first, so the stack can be deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Blocks deleting the load balancer outside CloudFormation. */
  readonly deletionProtection: boolean;
  /**
   * Publishes the public host name as an alias A record to the load balancer in this zone.
   * @default none: the team points the name at the load balancer's DNS name itself
   */
  readonly publicName?: { readonly hostname: string; readonly zone: route53.IHostedZone };
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * The internet-facing Application Load Balancer: TLS 1.2+ with the configured certificate, HTTP
 * redirected to HTTPS, invalid header fields dropped, access logs to an encrypted, private bucket.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly httpsListener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly accessLogs: s3.IBucket;
  /** The edge's 5xx-rate and p99-latency alarms, once `routeTo` has made them. */
  public readonly edgeAlarms: cloudwatch.IAlarm[] = [];
  /** The alias record of the public host name, when a hosted zone was given. */
  public readonly aliasRecord?: route53.ARecord;
  private readonly alarmAction: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.alarmAction = props.alarmAction;

    // ALB access logs support only S3-managed keys.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned, so a deleted or overwritten log survives as a noncurrent version for as long.
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(props.accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(props.accessLogRetentionDays),
        },
      ],
      removalPolicy: props.removalPolicy,
      // CloudFormation cannot delete a bucket that holds objects, and this one always does.
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });

    this.accessLogs = accessLogs;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internet-facing load balancer: HTTPS, and HTTP only to redirect',
      allowAllOutbound: true,
    });
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet, redirected');
    this.securityGroup = securityGroup;

    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
      idleTimeout: Duration.seconds(60),
    });
    loadBalancer.logAccessLogs(accessLogs);
    loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    this.loadBalancer = loadBalancer;

    if (props.publicName) {
      this.aliasRecord = new route53.ARecord(this, 'PublicName', {
        zone: props.publicName.zone,
        // Fully qualified (the trailing dot), so the zone's name is not appended again.
        recordName: `${props.publicName.hostname}.`,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(loadBalancer)),
        comment: 'authscale: the public origin, to the load balancer',
      });
    }

    this.httpsListener = loadBalancer.addListener('Https', {
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: '{"error":{"code":"not_found","message":"Not found."}}',
      }),
    });

    const elb5xx = new cloudwatch.Alarm(this, 'LoadBalancer5xx', {
      alarmDescription: 'The load balancer itself answered 5xx (no healthy target, or targets timing out).',
      metric: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 10,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    elb5xx.addAlarmAction(props.alarmAction);
  }

  /**
   * Sends every request to the service and watches it: p99 latency and 5xx from the targets.
   * Health checks ask for liveness (`/healthz`), not readiness: `/readyz` fails while the
   * orchestrator or the whole session tier is down, and checking it took every edge task out of the
   * load balancer at once, turning a backend outage into a total one, while the edges could still
   * answer every session in their near caches.
   */
  routeTo(service: ecs.FargateService, port: number): elbv2.ApplicationTargetGroup {
    const targetGroup = this.httpsListener.addTargets('Edge', {
      port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service],
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/healthz',
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    const latency = new cloudwatch.Alarm(this, 'EdgeLatencyP99', {
      alarmDescription: 'Edge p99 latency above 500 ms for 5 minutes.',
      metric: targetGroup.metrics.targetResponseTime({ statistic: 'p99', period: Duration.minutes(1) }),
      threshold: 0.5,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const errors = new cloudwatch.Alarm(this, 'Edge5xx', {
      alarmDescription: 'The edge answered more than 1% 5xx for 5 minutes.',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
          requests: targetGroup.metrics.requestCount({ statistic: 'Sum' }),
        },
        period: Duration.minutes(1),
        label: 'edge 5xx %',
      }),
      threshold: 1,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [latency, errors]) alarm.addAlarmAction(this.alarmAction);
    this.edgeAlarms.push(errors, latency);
    return targetGroup;
  }
}
