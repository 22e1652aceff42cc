import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface PlatformEventsProps {
  /** The alarm topic; its key lets EventBridge encrypt what it publishes (`AlarmTopic`). */
  readonly topic: sns.ITopic;
  /** The cluster of the three services; one-off tasks run in clusters of their own and are not watched. */
  readonly clusterArn: string;
  readonly auroraClusterIdentifier: string;
  /** The session cluster; its nodes' ids start with it (`<group>-0001-001`). */
  readonly redisReplicationGroupId: string;
}

/**
 * What AWS reports as events rather than metrics, sent to the alarm topic as one line each: an Aurora
 * or session-cluster failover (users may have seen errors for seconds; worth knowing even when it
 * healed itself), and a service task that stopped without anyone asking (a crash, a failed health
 * check, a task that could not start). Scale-in, deployments and an operator's StopTask are not sent.
 */
export class PlatformEvents extends Construct {
  constructor(scope: Construct, id: string, props: PlatformEventsProps) {
    super(scope, id);
    const field = (path: string) => events.EventField.fromPath(path);
    const notify = (text: string) =>
      new targets.SnsTopic(props.topic, { message: events.RuleTargetInput.fromText(text) });

    new events.Rule(this, 'AuroraFailover', {
      description: 'An Aurora failover of the identity cluster, started or completed',
      eventPattern: {
        source: ['aws.rds'],
        detailType: ['RDS DB Cluster Event'],
        detail: { SourceIdentifier: [props.auroraClusterIdentifier], EventCategories: ['failover'] },
      },
      targets: [notify(`Aurora ${field('$.detail.SourceIdentifier')}: ${field('$.detail.Message')}`)],
    });

    // ElastiCache sends its events to EventBridge without a failover category of their own; a failover
    // is told by its message ("Failover from primary node ... complete", "Test Failover API called ...").
    new events.Rule(this, 'CacheFailover', {
      description: 'A failover in the session cluster, automatic or a drill',
      eventPattern: {
        source: ['aws.elasticache'],
        detail: {
          SourceIdentifier: events.Match.prefix(props.redisReplicationGroupId),
          Message: events.Match.anyOf(events.Match.wildcard('*Failover*'), events.Match.wildcard('*failover*')),
        },
      },
      targets: [notify(`Session cluster ${field('$.detail.SourceIdentifier')}: ${field('$.detail.Message')}`)],
    });

    new events.Rule(this, 'TaskStoppedUnexpectedly', {
      description: 'A service task that stopped without a scale-in, a deployment or an operator asking',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.clusterArn],
          lastStatus: ['STOPPED'],
          // The scheduler's own stops are expected, except those for failed health checks ("Task failed
          // ELB health checks", "Task failed container health checks"); UserInitiated is a StopTask call.
          $or: [
            { stopCode: events.Match.anythingBut('ServiceSchedulerInitiated', 'UserInitiated') },
            { stoppedReason: events.Match.prefix('Task failed') },
          ],
        },
      },
      targets: [
        notify(
          `ECS task of ${field('$.detail.group')} stopped (${field('$.detail.stopCode')}): ` +
            `${field('$.detail.stoppedReason')} ${field('$.detail.taskArn')}`,
        ),
      ],
    });
  }
}
