import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { runTaskToCompletion } from '../../constructs/identity-provisioning/run-task-to-completion.ts';

const ecs = mockClient(ECSClient);
afterEach(() => ecs.reset());

const task = {
  cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/authscale-dev-data-IdentityProvisioningCluster',
  taskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/authscaledevdataIdentityProvisioningTask:4',
  containerName: 'provision',
  subnets: ['subnet-0a', 'subnet-0b'],
  securityGroups: ['sg-0c'],
} as const;
const taskArn = (id: string) => `arn:aws:ecs:eu-west-1:111122223333:task/authscale-dev-data/${id}`;
const stopped = (exitCode: number | undefined, stoppedReason = 'Essential container in task exited') => ({
  tasks: [{ lastStatus: 'STOPPED', stoppedReason, containers: [{ name: 'provision', exitCode }] }],
});

/** A clock that only moves when the code under test sleeps, so no test waits. */
function virtualTime() {
  let time = 0;
  const slept: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      slept.push(ms);
      time += ms;
    },
    slept,
  };
}

const client = () => new ECSClient({ region: 'eu-west-1' });
const quiet = () => {};

describe('runTaskToCompletion', () => {
  test('runs the task in the given subnets without a public address and waits for exit code 0', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn('t1') }] });
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ lastStatus: 'PROVISIONING' }] })
      .resolvesOnce({ tasks: [{ lastStatus: 'RUNNING' }] })
      .resolves(stopped(0));
    const clock = virtualTime();
    const result = await runTaskToCompletion(task, { client: client(), deadline: 600_000, ...clock, log: quiet });
    assert.equal(result, taskArn('t1'));
    assert.deepEqual(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input, {
      cluster: task.cluster,
      taskDefinition: task.taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'cloudformation',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a', 'subnet-0b'],
          securityGroups: ['sg-0c'],
          assignPublicIp: 'DISABLED',
        },
      },
    });
    assert.equal(ecs.commandCalls(DescribeTasksCommand).length, 3);
    assert.deepEqual(clock.slept, [10_000, 10_000, 10_000]);
  });

  test('starts the task again after a failed run, and succeeds when a later run does', async () => {
    ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [{ taskArn: taskArn('t1') }] })
      .resolvesOnce({ tasks: [{ taskArn: taskArn('t2') }] });
    ecs
      .on(DescribeTasksCommand, { tasks: [taskArn('t1')] })
      .resolves(stopped(1))
      .on(DescribeTasksCommand, { tasks: [taskArn('t2')] })
      .resolves(stopped(0));
    const clock = virtualTime();
    const result = await runTaskToCompletion(task, { client: client(), deadline: 600_000, ...clock, log: quiet });
    assert.equal(result, taskArn('t2'));
    assert.deepEqual(clock.slept, [10_000, 30_000, 10_000]);
  });

  test('starts again when ECS refuses at first, as it does while a policy from the same deployment propagates', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ecs:RunTask'), {
      name: 'AccessDeniedException',
    });
    ecs
      .on(RunTaskCommand)
      .rejectsOnce(denied)
      .resolves({ tasks: [{ taskArn: taskArn('t1') }] });
    ecs.on(DescribeTasksCommand).resolves(stopped(0));
    const result = await runTaskToCompletion(task, {
      client: client(),
      deadline: 600_000,
      ...virtualTime(),
      log: quiet,
    });
    assert.equal(result, taskArn('t1'));
    assert.equal(ecs.commandCalls(RunTaskCommand).length, 2);
  });

  test('gives up after the last attempt with every reason, for CloudFormation to show', async () => {
    ecs
      .on(RunTaskCommand)
      .resolvesOnce({ failures: [{ reason: 'RESOURCE:ENI', detail: 'no free address' }] })
      .resolves({ tasks: [{ taskArn: taskArn('t2') }] });
    ecs.on(DescribeTasksCommand).resolves(stopped(1));
    await assert.rejects(
      runTaskToCompletion(task, { client: client(), deadline: 600_000, ...virtualTime(), log: quiet }),
      {
        message:
          'provision did not succeed: ECS started no task (RESOURCE:ENI: no free address); ' +
          'task t2: provision stopped with exit code 1 (Essential container in task exited); ' +
          'task t2: provision stopped with exit code 1 (Essential container in task exited)',
      },
    );
    assert.equal(ecs.commandCalls(RunTaskCommand).length, 3);
  });

  test('a task that never started its container reports why (an image or secret that could not be fetched)', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn('t1') }] });
    ecs.on(DescribeTasksCommand).resolves(stopped(undefined, 'ResourceInitializationError: unable to pull secrets'));
    await assert.rejects(
      runTaskToCompletion(task, { client: client(), deadline: 600_000, attempts: 1, ...virtualTime(), log: quiet }),
      /task t1: provision stopped with no exit code \(ResourceInitializationError: unable to pull secrets\)/,
    );
  });

  test('stops a task still running at the deadline and tries no more', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn('t1') }] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ lastStatus: 'RUNNING' }] });
    ecs.on(StopTaskCommand).resolves({});
    await assert.rejects(
      runTaskToCompletion(task, { client: client(), deadline: 45_000, ...virtualTime(), log: quiet }),
      /task t1 still running at the deadline, stopped/,
    );
    assert.equal(ecs.commandCalls(RunTaskCommand).length, 1);
    assert.deepEqual(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input, {
      cluster: task.cluster,
      task: taskArn('t1'),
      reason: 'the deployment step timed out',
    });
  });
});
