import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { Aurora } from './aurora.ts';
import type { FargateService } from './fargate-service.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { k6DashboardWidgets } from './load-test/k6-metrics.ts';
import { searchedSeries } from './metric-search.ts';
import type { RedisCluster } from './redis-cluster.ts';
import type { SignInCanary } from './sign-in-canary.ts';
import type { TokenTable } from './token-table.ts';
import { type WebhookDeliveryAlarms, webhookDeliveryOutcomes } from './webhook-delivery-alarms.ts';

export interface DashboardProps {
  readonly dashboardName: string;
  readonly loadBalancer: LoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly clusterName: string;
  readonly services: readonly FargateService[];
  /** The service whose near caches the hit ratio is of. */
  readonly edgeService: FargateService;
  /** Where the services' collectors publish (`metricsNamespace` in `telemetry-collector.ts`). */
  readonly metricsNamespace: string;
  /** The session replicas' ECS service, whose Service Connect metrics are the session-layer latency. */
  readonly sessionServiceName: string;
  readonly redis: RedisCluster;
  readonly aurora: Aurora;
  readonly tokenTable: TokenTable;
  readonly canary: SignInCanary;
  /** The webhook dispatcher's metrics and alarms: a row of deliveries by outcome and their lag. */
  readonly webhookDelivery: WebhookDeliveryAlarms;
  readonly alarmAction: cloudwatch.IAlarmAction;
  /** Where a load-test stack runs k6 against this environment: a row of its runs' figures. */
  readonly loadTests?: boolean;
}

const minute = Duration.minutes(1);

/** The answers the services give when they or a dependency fail (`services/core` error handler). */
const serverErrorCodes = ['500', '502', '503', '504'];

/**
 * One page for the on-call: whether users can sign in (the canary, sign-in outcomes); each service's
 * rate, errors and duration from its own `http.server.request.duration` (the collector sidecar's
 * metrics, `telemetry-collector.ts`); the edge's near-cache hit ratio and the refusals; then the
 * load balancer, the session layer as Service Connect measures it, task counts and CPU, and Redis,
 * RDS Proxy, Aurora and DynamoDB saturation.
 */
export class Dashboard extends Construct {
  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { targetGroup } = props;

    const sessionLatency = (statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ECS',
        metricName: 'TargetResponseTime',
        dimensionsMap: {
          ClusterName: props.clusterName,
          ServiceName: props.sessionServiceName,
          DiscoveryName: 'session',
        },
        statistic,
        period: minute,
        unit: cloudwatch.Unit.MILLISECONDS,
      });
    const sessionLatencyAlarm = new cloudwatch.Alarm(this, 'SessionLatencyP99', {
      alarmDescription: 'Session-layer p99 above 50 ms for 5 minutes (Service Connect, server side).',
      metric: sessionLatency('p99'),
      threshold: 50,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    sessionLatencyAlarm.addAlarmAction(props.alarmAction);

    const redisNodeMetric = (metricName: string) =>
      searchedSeries(
        `{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" ${props.redis.replicationGroupId}`,
        'Maximum',
        metricName,
      );

    const namespace = props.metricsNamespace;
    const appMetric = (metricName: string, dimensionsMap: Record<string, string>, statistic: string, label: string) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: minute, label });
    const requestDuration = 'http.server.request.duration';
    const requests = (service: FargateService, statistic: string) =>
      appMetric(
        requestDuration,
        { 'service.name': service.telemetry.reportedServiceName },
        statistic,
        `${service.node.id} ${statistic}`,
      );
    // The status code is a dimension only beside the service, so the 5xx answers are summed over a search.
    const serverErrors = (service: FargateService) =>
      new cloudwatch.MathExpression({
        expression:
          `SUM(SEARCH('{${namespace},"http.response.status_code","service.name"} MetricName="${requestDuration}" ` +
          `"service.name"="${service.telemetry.reportedServiceName}" ` +
          `(${serverErrorCodes.map((code) => `"http.response.status_code"="${code}"`).join(' OR ')})', 'SampleCount', 60))`,
        usingMetrics: {},
        label: `${service.node.id} 5xx`,
        period: minute,
      });
    const edge = props.edgeService;
    // Metric ids must be unique in a graph, and both caches' ratios share one: name them after the cache.
    const nearCacheHitRatio = (cache: string) => {
      const id = cache.replace(/^edge\./, '');
      const lookups = (result: 'hit' | 'miss') =>
        appMetric(
          'authscale.near_cache.lookups',
          {
            'service.name': edge.telemetry.reportedServiceName,
            'authscale.cache.name': cache,
            'authscale.cache.result': result,
          },
          'Sum',
          `${cache} ${result}`,
        );
      return new cloudwatch.MathExpression({
        expression: `100 * ${id}Hits / (${id}Hits + ${id}Misses)`,
        usingMetrics: { [`${id}Hits`]: lookups('hit'), [`${id}Misses`]: lookups('miss') },
        label: `${cache} hit %`,
        period: minute,
      });
    };
    const countsBy = (metricName: string, dimension: string, values: readonly string[]) =>
      values.map((value) => appMetric(metricName, { [dimension]: value }, 'Sum', value));

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Sign-in canary: success % (public origin, every run)',
        left: [props.canary.canary.metricSuccessPercent({ period: Duration.minutes(5) })],
        leftYAxis: { min: 0, max: 100 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Sign-in attempts by outcome / min',
        left: countsBy('authscale.sign_in.attempts', 'authscale.sign_in.outcome', [
          'success',
          'mfa_required',
          'failure',
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Refresh-token uses by outcome / min',
        left: countsBy('authscale.refresh_token.uses', 'authscale.refresh_token.outcome', [
          'rotated',
          'grace',
          'replayed',
          'session_ended',
          'invalid',
        ]),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests / min by service',
        left: props.services.map((service) => requests(service, 'SampleCount')),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: '5xx answers / min by service',
        left: props.services.map(serverErrors),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Request duration by service, average and maximum (s)',
        left: props.services.map((service) => requests(service, 'Average')),
        right: props.services.map((service) => requests(service, 'Maximum')),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Edge near-cache hit ratio %',
        left: ['edge.sessions', 'edge.answers'].map(nearCacheHitRatio),
        leftYAxis: { min: 0, max: 100 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Rate-limit refusals by rule / min',
        left: countsBy('authscale.rate_limit.refusals', 'authscale.rate_limit.rule', [
          'per_ip',
          'sign_in',
          'login_throttle',
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Refusals (4xx) by service and error code / min',
        left: [
          searchedSeries(
            `{${namespace},"authscale.error.code","service.name"} MetricName="authscale.http.refusals"`,
            'Sum',
            '',
          ),
        ],
        width: 8,
      }),
    );
    const identityPool = (metricName: string, state?: string) =>
      searchedSeries(
        `{${namespace},"db.client.connection.pool.name",${state ? '"db.client.connection.state",' : ''}"service.name"} ` +
          `MetricName="${metricName}" "db.client.connection.pool.name"="identity"${state ? ` "db.client.connection.state"="${state}"` : ''}`,
        'Maximum',
        '',
      );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Revocation reaching the edges: from an epoch's move to its invalidation, average and maximum (s)",
        left: (['Average', 'Maximum'] as const).map((statistic) =>
          appMetric(
            'authscale.revocation.propagation',
            { 'service.name': edge.telemetry.reportedServiceName },
            statistic,
            statistic,
          ),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Identity pool per orchestrator task: connections in use (left), queries waiting for one (right)',
        left: [identityPool('db.client.connection.count', 'used')],
        right: [identityPool('db.client.connection.pending_requests')],
        width: 12,
      }),
    );
    const webhooks = props.webhookDelivery;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhook deliveries settled, by outcome',
        left: webhookDeliveryOutcomes.map((outcome) => webhooks.deliveries(outcome).with({ label: outcome })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: "Webhook delivery lag: an event's commit to its receiver accepting it, p50 and p99 (s)",
        left: ['p50', 'p99'].map((statistic) => webhooks.lag(statistic).with({ label: statistic })),
        leftAnnotations: [{ value: webhooks.lagThresholdSeconds, label: 'alarm' }],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Edge requests and 5xx',
        left: [targetGroup.metrics.requestCount({ period: minute, statistic: 'Sum' })],
        right: [
          targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
            period: minute,
            statistic: 'Sum',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Edge latency (s)',
        left: ['p50', 'p99'].map((statistic) =>
          targetGroup.metrics.targetResponseTime({ period: minute, statistic, label: statistic }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Session layer latency (ms)',
        left: [sessionLatency('p50'), sessionLatency('p99')],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Service CPU % (left), running tasks (right)',
        left: props.services.map((service) =>
          service.service.metricCpuUtilization({ period: minute, label: service.node.id }),
        ),
        right: props.services.map((service) => service.runningTaskCount),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Redis engine CPU and memory % (all nodes)',
        left: [redisNodeMetric('EngineCPUUtilization')],
        right: [redisNodeMetric('DatabaseMemoryUsagePercentage')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Redis replication lag (s)',
        left: [redisNodeMetric('ReplicationLag')],
        width: 8,
      }),
    );
    const cluster = props.aurora.cluster;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Aurora capacity (ACU) and CPU %',
        left: [cluster.metricServerlessDatabaseCapacity({ period: minute, statistic: 'Maximum' })],
        right: [cluster.metricCPUUtilization({ period: minute })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'RDS Proxy: borrow latency (µs), connections % of allowed',
        left: [props.aurora.proxyBorrowLatency.metric],
        right: [props.aurora.proxyConnectionsUsed.metric],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Token table throttles and latency',
        left: [
          props.tokenTable.table.metricThrottledRequestsForOperations({
            operations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM],
            period: minute,
          }),
        ],
        right: [
          props.tokenTable.table.metricSuccessfulRequestLatency({
            period: minute,
            dimensionsMap: { Operation: 'GetItem', TableName: props.tokenTable.table.tableName },
          }),
        ],
        width: 8,
      }),
    );
    if (props.loadTests) dashboard.addWidgets(...k6DashboardWidgets(props.metricsNamespace));
  }
}
