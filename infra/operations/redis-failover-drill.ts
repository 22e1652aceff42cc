import {
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type Event,
  type ReplicationGroup,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';

/** Why a drill did not start or did not finish; `cause` carries the SDK error, if any. */
export class FailoverDrillError extends Error {
  readonly code: 'not_ready' | 'unknown_shard' | 'failover_rejected' | 'timed_out';

  constructor(code: FailoverDrillError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailoverDrillError';
    this.code = code;
  }
}

export interface FailoverDrillOptions {
  readonly client: ElastiCacheClient;
  readonly replicationGroupId: string;
  /** The node group (shard) to fail over, as ElastiCache numbers them: `0001`, `0002`, ... */
  readonly shard: string;
  /** @default 10 000 ms */
  readonly pollIntervalMs?: number;
  /** @default 15 minutes: ElastiCache usually completes a test failover in a few minutes. */
  readonly timeoutMs?: number;
  /** @default `Date.now` */
  readonly now?: () => number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default silent */
  readonly log?: (line: string) => void;
}

export interface FailoverDrillReport {
  readonly replicationGroupId: string;
  readonly shard: string;
  /** The primary before and after, from ElastiCache's own "Failover ... completed" event. */
  readonly previousPrimary: string;
  readonly newPrimary: string;
  readonly startedAt: string;
  readonly failedOverAt: string;
  /** From the TestFailover call to the completed-failover event. */
  readonly failoverSeconds: number;
  /** The replication group's events during the drill, oldest first. */
  readonly events: ReadonlyArray<{ readonly at: string; readonly message: string }>;
}

const failoverCompleted = /Failover from primary node (\S+) to replica node (\S+) completed/i;

/**
 * Fails over one shard of a deployed session cluster with ElastiCache's TestFailover, waits until the
 * group is available again with a new primary, and reports how long the shard had no primary.
 * Run it while a load test is running to see what clients feel (docs/deploy.md).
 */
export async function runFailoverDrill(options: FailoverDrillOptions): Promise<FailoverDrillReport> {
  const { client, replicationGroupId, shard } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? (() => {});
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;

  const group = await describeGroup(client, replicationGroupId);
  assertReady(group, shard);

  const startedAt = new Date(now());
  try {
    await client.send(new TestFailoverCommand({ ReplicationGroupId: replicationGroupId, NodeGroupId: shard }));
  } catch (error) {
    throw new FailoverDrillError('failover_rejected', `ElastiCache refused TestFailover on shard ${shard}`, {
      cause: error,
    });
  }
  log(`TestFailover sent for ${replicationGroupId} shard ${shard}`);

  const deadline = startedAt.getTime() + timeoutMs;
  for (;;) {
    await sleep(pollIntervalMs);
    const [current, events] = await Promise.all([
      describeGroup(client, replicationGroupId),
      groupEventsSince(client, replicationGroupId, startedAt),
    ]);
    const completed = events.find((event) => isShardFailover(event, shard));
    log(`status ${current.Status ?? 'unknown'}${completed ? ', failover completed' : ''}`);
    if (completed && current.Status === 'available') {
      const [, previousPrimary = '', newPrimary = ''] = failoverCompleted.exec(completed.Message ?? '') ?? [];
      const failedOverAt = completed.Date ?? new Date(now());
      return {
        replicationGroupId,
        shard,
        previousPrimary,
        newPrimary,
        startedAt: startedAt.toISOString(),
        failedOverAt: failedOverAt.toISOString(),
        failoverSeconds: Math.max(0, (failedOverAt.getTime() - startedAt.getTime()) / 1000),
        events: events.map((event) => ({ at: event.Date?.toISOString() ?? '', message: event.Message ?? '' })),
      };
    }
    if (now() >= deadline) {
      throw new FailoverDrillError(
        'timed_out',
        `shard ${shard} did not report a completed failover within ${Math.round(timeoutMs / 1000)} s ` +
          `(group status: ${current.Status ?? 'unknown'})`,
      );
    }
  }
}

async function describeGroup(client: ElastiCacheClient, replicationGroupId: string): Promise<ReplicationGroup> {
  const answer = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }));
  const [group] = answer.ReplicationGroups ?? [];
  if (!group) throw new FailoverDrillError('not_ready', `replication group ${replicationGroupId} not found`);
  return group;
}

function assertReady(group: ReplicationGroup, shard: string): void {
  if (group.Status !== 'available') {
    throw new FailoverDrillError('not_ready', `the group is ${group.Status ?? 'in an unknown state'}, not available`);
  }
  const nodeGroup = group.NodeGroups?.find((candidate) => candidate.NodeGroupId === shard);
  if (!nodeGroup) {
    const known = (group.NodeGroups ?? []).map((candidate) => candidate.NodeGroupId).join(', ');
    throw new FailoverDrillError('unknown_shard', `no shard ${shard}; the group has ${known}`);
  }
  if ((nodeGroup.NodeGroupMembers?.length ?? 0) < 2) {
    throw new FailoverDrillError('not_ready', `shard ${shard} has no replica to fail over to`);
  }
}

async function groupEventsSince(client: ElastiCacheClient, replicationGroupId: string, since: Date): Promise<Event[]> {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new DescribeEventsCommand({
        SourceType: 'replication-group',
        SourceIdentifier: replicationGroupId,
        StartTime: since,
        Marker: marker,
      }),
    );
    events.push(...(page.Events ?? []));
    marker = page.Marker;
  } while (marker);
  return events.sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0));
}

function isShardFailover(event: Event, shard: string): boolean {
  const match = failoverCompleted.exec(event.Message ?? '');
  return Boolean(match?.[1]?.includes(`-${shard}-`));
}
