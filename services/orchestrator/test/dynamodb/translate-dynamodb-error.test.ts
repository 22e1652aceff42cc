import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { classifyNetworkFailure } from '@authscale/core';
import { freePort, type RawServer, sharedServers, startRawServer } from '@authscale/testkit';
import {
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { translateDynamoDbError } from '../../src/dynamodb/translate-dynamodb-error.ts';

/** What one call through the SDK fails with, against `endpoint`, without the SDK's retries. */
async function sdkFailure(endpoint: string, command: ListTablesCommand | GetItemCommand = new ListTablesCommand({})) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
  });
  try {
    await client.send(command as ListTablesCommand);
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  assert.fail('expected a failure');
}

/** The class core gives the error and the code the orchestrator answers with. */
const translated = (error: unknown) => ({
  failure: classifyNetworkFailure(error),
  code: translateDynamoDbError(error).code,
});

describe('translateDynamoDbError over real AWS SDK errors', () => {
  let silent: RawServer;
  let resetting: RawServer;
  before(async () => {
    silent = await startRawServer(() => {});
    resetting = await startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  });
  after(() => Promise.all([silent.close(), resetting.close()]));

  it('a refused connection: not sent, dependency_unavailable', async () => {
    const error = await sdkFailure(`http://127.0.0.1:${await freePort()}`);
    assert.deepEqual(translated(error), { failure: 'not-sent', code: 'dependency_unavailable' });
  });

  it('no answer within requestTimeout: timeout, dependency_timeout', async () => {
    const error = await sdkFailure(silent.url);
    assert.equal((error as Error).name, 'TimeoutError');
    assert.deepEqual(translated(error), { failure: 'timeout', code: 'dependency_timeout' });
  });

  it('a reset the SDK renames TimeoutError: unavailable, dependency_unavailable', async () => {
    const error = await sdkFailure(resetting.url);
    assert.equal((error as Error).name, 'TimeoutError');
    assert.equal((error as { code?: string }).code, 'ECONNRESET');
    assert.deepEqual(translated(error), { failure: 'unavailable', code: 'dependency_unavailable' });
  });

  it('throttling: unavailable, dependency_unavailable', () => {
    const error = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    assert.deepEqual(translated(error), { failure: 'unavailable', code: 'dependency_unavailable' });
  });

  it('a request DynamoDB refuses (a missing table) is our mistake: internal', async () => {
    const error = await sdkFailure(
      (await sharedServers()).dynamodb.endpoint,
      new GetItemCommand({ TableName: 'no-such-table', Key: { pk: { S: 'x' } } }),
    );
    assert.equal((error as Error).name, 'ResourceNotFoundException');
    assert.deepEqual(translated(error), { failure: undefined, code: 'internal' });
  });
});
