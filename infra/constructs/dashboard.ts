import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { Aurora } from './aurora.ts';
import type { FargateService } from './fargate-service.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { RedisCluster } from './redis-cluster.ts';
import type { TokenTable } from './token-table.ts';

export interface DashboardProps {
  readonly dashboardName: string;
  readonly loadBalancer: LoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly clusterName: string;
  readonly services: readonly FargateService[];
  /** The session replicas' ECS service, whose Service Connect metrics are the session-layer latency. */
  readonly sessionServiceName: string;
  readonly redis: RedisCluster;
  readonly aurora: Aurora;
  readonly tokenTable: TokenTable;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

const minute = Duration.minutes(1);

/**
 * One page for the on-call: edge traffic, latency and errors; session-layer latency as Service
 * Connect measures it; service CPU and task counts; Redis, Aurora and DynamoDB saturation.
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
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" ${props.redis.replicationGroupId}', 'Maximum', 60)`,
        usingMetrics: {},
        label: metricName,
        period: minute,
      });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
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
        title: 'Service CPU %',
        left: props.services.map((service) =>
          service.service.metricCpuUtilization({ period: minute, label: service.node.id }),
        ),
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
        width: 12,
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
        width: 12,
      }),
    );
  }
}
