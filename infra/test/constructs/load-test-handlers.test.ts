import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mergeRun } from '../../constructs/load-test/merge-handler.ts';
import { stopLoadTest } from '../../constructs/load-test/stop-handler.ts';

const s3 = mockClient(S3Client);
const ecs = mockClient(ECSClient);
afterEach(() => {
  s3.reset();
  ecs.reset();
});

// The one method of the SDK's stream the handler reads.
const body = (value: unknown) =>
  ({ transformToString: async () => JSON.stringify(value) }) as unknown as GetObjectCommandOutput['Body'];
const summary = (iterations: number, ok: boolean) => ({
  metrics: {
    iterations: { type: 'counter', values: { count: iterations, rate: 1 } },
    http_reqs: { type: 'counter', values: { count: iterations * 3, rate: 3 } },
    http_req_duration: { type: 'trend', values: { 'p(99)': 40 }, thresholds: { 'p(99)<50': { ok } } },
  },
});

describe('mergeRun', () => {
  test("merges the workers' results as the local runner does and writes the merged summary beside them", async () => {
    s3.on(GetObjectCommand, { Key: 'summaries/run-1/worker-1.json' }).resolves({
      Body: body({ exitCode: 0, summary: summary(10, true) }),
    });
    s3.on(GetObjectCommand, { Key: 'summaries/run-1/worker-2.json' }).resolves({
      Body: body({ exitCode: 0, summary: summary(12, true) }),
    });
    s3.on(PutObjectCommand).resolves({});
    const verdict = await mergeRun({ runId: 'run-1', workers: ['worker-1', 'worker-2'] }, 'bucket', new S3Client({}));
    assert.deepEqual(verdict, {
      passed: true,
      failures: [],
      iterations: 22,
      requests: 66,
      summaryKey: 'summaries/run-1/summary.json',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    assert.equal(put?.Key, 'summaries/run-1/summary.json');
    assert.equal(JSON.parse(String(put?.Body)).iterations, 22);
  });

  test('fails the run when a worker left no result, or one breached a threshold', async () => {
    s3.on(GetObjectCommand, { Key: 'summaries/run-2/worker-1.json' }).resolves({
      Body: body({ exitCode: 99, summary: summary(10, false) }),
    });
    s3.on(GetObjectCommand, { Key: 'summaries/run-2/worker-2.json' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    s3.on(PutObjectCommand).resolves({});
    const verdict = await mergeRun({ runId: 'run-2', workers: ['worker-1', 'worker-2'] }, 'bucket', new S3Client({}));
    assert.equal(verdict.passed, false);
    assert.deepEqual(verdict.failures, [
      'worker 1 exited with 99',
      'worker 2 exited with null',
      'worker 2 wrote no summary',
      'threshold http_req_duration: p(99)<50 breached',
    ]);
  });
});

describe('stopLoadTest', () => {
  test('stops every running task of the load-test cluster when an alarm goes off, and nothing otherwise', async () => {
    ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: ['task-1'], nextToken: 'more' })
      .resolves({ taskArns: ['task-2'] });
    ecs.on(StopTaskCommand).resolves({});
    const alarm = { detail: { alarmName: 'edge 5xx', state: { value: 'ALARM' } } };
    assert.deepEqual(await stopLoadTest(alarm, 'loadtest', new ECSClient({})), ['task-1', 'task-2']);
    assert.deepEqual(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input, {
      cluster: 'loadtest',
      task: 'task-1',
      reason: 'load test stopped: alarm edge 5xx',
    });
    ecs.resetHistory();
    assert.deepEqual(await stopLoadTest({ detail: { state: { value: 'OK' } } }, 'loadtest', new ECSClient({})), []);
    assert.equal(ecs.commandCalls(ListTasksCommand).length, 0);
  });
});
