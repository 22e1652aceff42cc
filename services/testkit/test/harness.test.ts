import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { createCluster } from 'redis';
import {
  findBinary,
  isAlive,
  MissingBinaryError,
  run,
  serviceNodeFlags,
  sharedServers,
  waitFor,
} from '../src/index.ts';

describe('test harness', () => {
  it('runs a real Redis Cluster: 3 primaries, cluster_state:ok, keys spread over shards', async () => {
    const { redisCluster } = await sharedServers();
    const first = redisCluster.nodes[0];
    assert.ok(first);
    const info = await run('redis-cli', ['-p', String(first.port), 'CLUSTER', 'INFO']);
    assert.match(info, /cluster_state:ok/);
    assert.match(info, /cluster_size:3\b/);
    assert.match(info, /cluster_known_nodes:6\b/);

    const client = createCluster({ rootNodes: redisCluster.urls.map((url) => ({ url })) });
    await client.connect();
    try {
      const keys = Array.from({ length: 30 }, (_, index) => `harness:spread:${index}`);
      for (const key of keys) await client.set(key, 'x', { expiration: { type: 'EX', value: 60 } });
      // Ask each primary which of the keys it physically holds.
      const holding = [];
      for (const primary of client.masters) {
        const found = await run('redis-cli', ['-p', String(primary.port), '--scan', '--pattern', 'harness:spread:*']);
        if (found.trim()) holding.push(primary.port);
      }
      assert.ok(holding.length >= 2, `keys landed on ${holding.length} shard(s)`);
      for (const key of keys) assert.equal(await client.get(key), 'x');
    } finally {
      await client.close();
    }
  });

  it('runs a real PostgreSQL server', async () => {
    const { postgres } = await sharedServers();
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_catalog.pg_database WHERE datname = $1',
        ['postgres'],
      );
      assert.deepEqual(rows, [{ datname: 'postgres' }]);
      const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      assert.ok(Number(version.rows[0]?.server_version_num) >= 150000);
    } finally {
      await client.end();
    }
  });

  it('runs a DynamoDB API emulator', async () => {
    const { dynamodb } = await sharedServers();
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const TableName = `harness-${Date.now()}`;
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    assert.equal(Item?.v?.N, '1');
    client.destroy();
  });

  it('runs services with the Node flags of their image, and Node takes them', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const command = dockerfile.match(/^CMD (\[.*\])$/m)?.[1];
    assert.ok(command, 'services/Dockerfile has no CMD in exec form');
    assert.deepEqual(JSON.parse(command), ['node', ...serviceNodeFlags, 'src/main.ts']);
    const newSpace = execFileSync(process.execPath, [
      ...serviceNodeFlags,
      '-p',
      "require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size",
    ]);
    assert.ok(Number(newSpace) >= 16 * 1024 * 1024, `new space of ${newSpace} bytes`);
  });

  it('fails at once with the install command when a binary is missing', () => {
    assert.throws(
      () => findBinary('authscale-no-such-binary', { install: 'sudo apt-get install -y something' }),
      (error: unknown) =>
        error instanceof MissingBinaryError && error.message.includes('sudo apt-get install -y something'),
    );
  });

  it('leaves no redis-server or postgres behind when interrupted with Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./fixtures/start-and-wait.ts', import.meta.url).pathname],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const pids = await new Promise<number[]>((resolve, reject) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as number[]));
      child.once('exit', (code) => reject(new Error(`fixture exited ${code} before starting its servers`)));
    });
    assert.equal(pids.length, 7, 'six redis-server processes and one postgres');
    for (const pid of pids) assert.equal(isAlive(pid), true, `pid ${pid} should be running before Ctrl-C`);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    await waitFor(async () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), {
      timeoutMs: 10_000,
      what: 'harness processes to exit',
    });
  });
});
