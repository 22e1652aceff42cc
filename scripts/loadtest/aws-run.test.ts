import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parseLoadTestArguments } from './arguments.ts';
import { startAwsRun, waitForAwsRun } from './aws-run.ts';

const cloudFormation = mockClient(CloudFormationClient);
const stepFunctions = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:RunStateMachine106B9D3D-Ab12';
const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:run`;

afterEach(() => {
  cloudFormation.reset();
  stepFunctions.reset();
});

describe('parseLoadTestArguments', () => {
  test('--env starts a run on that environment; -e pairs are kept for the script', () => {
    assert.deepEqual(
      parseLoadTestArguments(['--env', 'staging', '--profile', 'read-heavy', '-e', 'DURATION=30m', '--wait']),
      { mode: 'aws', environment: 'staging', profile: 'read-heavy', scriptEnv: { DURATION: '30m' }, wait: true },
    );
  });

  test('without --env it is a local run with the old defaults', () => {
    assert.deepEqual(parseLoadTestArguments(['--profile', 'smoke', '--workers', '2']), {
      mode: 'local',
      profiles: ['smoke'],
      brief: false,
      scriptEnv: {},
      workers: 2,
      users: 100,
      kill: 'session-replica',
    });
  });

  test('every profile, or a list, runs in the catalogue order: failover, which kills, last', () => {
    const all = parseLoadTestArguments(['--profile', 'all', '--brief']);
    assert.ok(typeof all === 'object' && all.mode === 'local');
    assert.deepEqual(all.profiles, ['smoke', 'read-heavy', 'login-storm', 'refresh-rotation', 'failover']);
    assert.equal(all.brief, true);
    const listed = parseLoadTestArguments(['--profile', 'failover,smoke']);
    assert.ok(typeof listed === 'object' && listed.mode === 'local');
    assert.deepEqual(listed.profiles, ['smoke', 'failover']);
  });

  test('refuses local-only options with --env, --wait without it, an unknown profile and a bad -e', () => {
    const refused = [
      ['--env', 'dev', '--profile', 'smoke', '--workers', '4'],
      ['--env', 'dev', '--profile', 'smoke', '--target', 'https://auth.dev.example.net'],
      ['--profile', 'smoke', '--wait'],
      ['--env', 'dev', '--profile', 'soak'],
      ['--env', 'dev', '--profile', 'smoke', '-e', 'NOVALUE'],
      ['--profile', 'smoke', '--workers', '0'],
      ['--profile', 'smoke', '--unknown'],
      ['--profile', 'smoke,soak'],
      ['--env', 'dev', '--profile', 'all'],
      ['--env', 'dev', '--profile', 'smoke', '--brief'],
    ];
    for (const args of refused) assert.equal(typeof parseLoadTestArguments(args), 'string', args.join(' '));
  });
});

describe('startAwsRun', () => {
  test("starts the stack's state machine with the profile and the k6 arguments, named after the time", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'authscale-staging-loadtest' }).resolves({
      Stacks: [
        {
          StackName: 'authscale-staging-loadtest',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: stateMachineArn }],
        },
      ],
    });
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });
    const started = await startAwsRun({
      environment: 'staging',
      profile: 'login-storm',
      k6Args: ['-e', 'PEAK_RATE=200'],
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      stepFunctions: new SFNClient({ region: 'eu-west-1' }),
      now: () => new Date('2026-12-06T05:30:00.123Z'),
    });
    assert.deepEqual(started, { executionArn, runId: '2026-12-06T05-30-00-123Z-login-storm' });
    const [call] = stepFunctions.commandCalls(StartExecutionCommand);
    assert.deepEqual(call?.args[0].input, {
      stateMachineArn,
      name: '2026-12-06T05-30-00-123Z-login-storm',
      input: JSON.stringify({ profile: 'login-storm', k6Args: ['-e', 'PEAK_RATE=200'] }),
    });
  });

  test('says to deploy the stack when it has no state machine output, and starts nothing', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    await assert.rejects(
      startAwsRun({
        environment: 'dev',
        profile: 'smoke',
        k6Args: [],
        cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
        stepFunctions: new SFNClient({ region: 'eu-west-1' }),
      }),
      /authscale-dev-loadtest has no StateMachineArn output/,
    );
    assert.equal(stepFunctions.commandCalls(StartExecutionCommand).length, 0);
  });
});

describe('waitForAwsRun', () => {
  test("polls until the execution ends and returns the failing state's error and cause", async () => {
    stepFunctions
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING', executionArn, stateMachineArn, startDate: new Date() })
      .resolves({
        status: 'FAILED',
        executionArn,
        stateMachineArn,
        startDate: new Date(),
        error: 'LoadTestFailed',
        cause: '["threshold http_req_failed: rate<0.001 breached"]',
      });
    const sleeps: number[] = [];
    const verdict = await waitForAwsRun(executionArn, new SFNClient({ region: 'eu-west-1' }), {
      pollIntervalMs: 5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    assert.deepEqual(verdict, {
      status: 'FAILED',
      error: 'LoadTestFailed',
      cause: '["threshold http_req_failed: rate<0.001 breached"]',
    });
    assert.deepEqual(sleeps, [5]);
  });
});
