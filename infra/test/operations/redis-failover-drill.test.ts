import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  type ReplicationGroup,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { FailoverDrillError, runFailoverDrill } from '../../operations/redis-failover-drill.ts';

const groupId = 'authscale-staging-sessions';
const elastiCache = mockClient(ElastiCacheClient);

function group(status: string): { ReplicationGroups: ReplicationGroup[] } {
  const members = (shard: string) =>
    ['001', '002'].map((node) => ({ CacheClusterId: `${groupId}-${shard}-${node}`, CacheNodeId: '0001' }));
  return {
    ReplicationGroups: [
      {
        ReplicationGroupId: groupId,
        Status: status,
        ClusterEnabled: true,
        NodeGroups: ['0001', '0002'].map((shard) => ({ NodeGroupId: shard, NodeGroupMembers: members(shard) })),
      },
    ],
  };
}

/** A clock the drill advances by sleeping, so no test waits for real time. */
function fakeClock(start = Date.parse('2026-11-23T12:00:00Z')) {
  let current = start;
  const sleep = async (ms: number) => {
    current += ms;
  };
  return { now: () => current, sleep, start };
}

const drill = (clock: ReturnType<typeof fakeClock>, shard = '0002') =>
  runFailoverDrill({
    client: new ElastiCacheClient({ region: 'eu-west-1' }),
    replicationGroupId: groupId,
    shard,
    pollIntervalMs: 10_000,
    timeoutMs: 60_000,
    now: clock.now,
    sleep: clock.sleep,
  });

afterEach(() => elastiCache.reset());

describe('runFailoverDrill', () => {
  test('fails over the chosen shard and reports the new primary and how long it took', async () => {
    const clock = fakeClock();
    elastiCache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce(group('available'))
      .resolvesOnce(group('modifying'))
      .resolves(group('available'));
    elastiCache.on(TestFailoverCommand).resolves({});
    elastiCache
      .on(DescribeEventsCommand)
      .resolvesOnce({
        Events: [{ Message: 'Test Failover API called for node group 0002', Date: new Date(clock.start + 1_000) }],
      })
      .resolves({
        Events: [
          {
            Message: `Failover from primary node ${groupId}-0002-001 to replica node ${groupId}-0002-002 completed`,
            Date: new Date(clock.start + 14_000),
          },
          { Message: 'Test Failover API called for node group 0002', Date: new Date(clock.start + 1_000) },
        ],
      });

    const report = await drill(clock);

    assert.deepEqual(elastiCache.commandCalls(TestFailoverCommand)[0]?.args[0].input, {
      ReplicationGroupId: groupId,
      NodeGroupId: '0002',
    });
    assert.equal(report.previousPrimary, `${groupId}-0002-001`);
    assert.equal(report.newPrimary, `${groupId}-0002-002`);
    assert.equal(report.failoverSeconds, 14);
    assert.deepEqual(
      report.events.map((event) => event.message.slice(0, 13)),
      ['Test Failover', 'Failover from'],
      'events oldest first',
    );
    const [eventQuery] = elastiCache.commandCalls(DescribeEventsCommand);
    assert.equal(eventQuery?.args[0].input.SourceIdentifier, groupId);
    assert.equal(eventQuery?.args[0].input.StartTime?.getTime(), clock.start);
  });

  test('does not start on a group that is not available', async () => {
    elastiCache.on(DescribeReplicationGroupsCommand).resolves(group('modifying'));
    await assert.rejects(drill(fakeClock()), (error: unknown) => {
      assert.ok(error instanceof FailoverDrillError);
      assert.equal(error.code, 'not_ready');
      return true;
    });
    assert.equal(elastiCache.commandCalls(TestFailoverCommand).length, 0);
  });

  test('names the shards when asked for one that does not exist', async () => {
    elastiCache.on(DescribeReplicationGroupsCommand).resolves(group('available'));
    await assert.rejects(drill(fakeClock(), '0009'), /no shard 0009; the group has 0001, 0002/);
    assert.equal(elastiCache.commandCalls(TestFailoverCommand).length, 0);
  });

  test('reports a refused TestFailover with the SDK error as cause', async () => {
    elastiCache.on(DescribeReplicationGroupsCommand).resolves(group('available'));
    const refusal = new Error('TestFailoverNotAvailableFault');
    elastiCache.on(TestFailoverCommand).rejects(refusal);
    await assert.rejects(drill(fakeClock()), (error: unknown) => {
      assert.ok(error instanceof FailoverDrillError);
      assert.equal(error.code, 'failover_rejected');
      assert.equal(error.cause, refusal);
      return true;
    });
  });

  test('gives up after the timeout when no failover of that shard completes', async () => {
    const clock = fakeClock();
    elastiCache.on(DescribeReplicationGroupsCommand).resolves(group('available'));
    elastiCache.on(TestFailoverCommand).resolves({});
    elastiCache.on(DescribeEventsCommand).resolves({
      Events: [
        {
          Message: `Failover from primary node ${groupId}-0001-001 to replica node ${groupId}-0001-002 completed`,
          Date: new Date(clock.start + 5_000),
        },
      ],
    });
    await assert.rejects(drill(clock), (error: unknown) => {
      assert.ok(error instanceof FailoverDrillError);
      assert.equal(error.code, 'timed_out');
      return true;
    });
    assert.equal(elastiCache.commandCalls(DescribeReplicationGroupsCommand).length, 1 + 6);
  });
});
