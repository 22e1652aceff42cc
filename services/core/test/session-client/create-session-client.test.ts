import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import type { AuthError } from '../../src/errors.ts';
import { createSessionClient } from '../../src/session-client/create-session-client.ts';

const internalToken = 'x'.repeat(32);
const users = Array.from({ length: 3000 }, (_, index) => `user-${index}`);

it('refuses a short internal token or an empty replica list at construction', () => {
  assert.throws(() => createSessionClient({ replicas: ['http://127.0.0.1:1'], internalToken: 'short' }), TypeError);
  assert.throws(() => createSessionClient({ replicas: [], internalToken }), TypeError);
});

it('setReplicas moves only the users of the replica that left, and only to the one that arrived', async () => {
  const client = createSessionClient({
    replicas: ['http://10.0.0.1:8081', 'http://10.0.0.2:8081', 'http://10.0.0.3:8081'],
    internalToken,
    healthCheckIntervalMs: 0,
  });
  const before = new Map(users.map((user) => [user, client.replicaFor(user)]));
  client.setReplicas(['http://10.0.0.1:8081', 'http://10.0.0.2:8081', 'http://10.0.0.4:8081']);
  let moved = 0;
  for (const user of users) {
    const now = client.replicaFor(user);
    if (now === before.get(user)) continue;
    moved++;
    assert.ok(
      before.get(user) === 'http://10.0.0.3:8081' || now === 'http://10.0.0.4:8081',
      `${user} moved needlessly`,
    );
  }
  assert.ok(moved > 0);
  await client.close();
});

it('answers null without a network call for a token that has no user id', async () => {
  const client = createSessionClient({ replicas: ['http://127.0.0.1:1'], internalToken, healthCheckIntervalMs: 0 });
  assert.equal(await client.validate('no-dot-here'), null);
  await client.close();
});

it('answers dependency_timeout when replicas accept the call and never answer, after trying the next one', async () => {
  const held: ServerResponse[] = [];
  let calls = 0;
  const holdForever = (_request: IncomingMessage, response: ServerResponse) => {
    calls++;
    held.push(response);
  };
  const listening = [
    createServer(holdForever).listen(0, '127.0.0.1'),
    createServer(holdForever).listen(0, '127.0.0.1'),
  ];
  await Promise.all(listening.map((server) => new Promise((resolve) => server.once('listening', resolve))));
  const client = createSessionClient({
    replicas: listening.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    internalToken,
    timeoutMs: 200,
    healthCheckIntervalMs: 0,
  });
  try {
    await assert.rejects(client.validate('user-1.secret'), (error: AuthError) => {
      assert.equal(error.code, 'dependency_timeout');
      return true;
    });
    assert.equal(calls, 2, 'an idempotent read is tried once more on the next replica');
  } finally {
    for (const response of held) response.destroy();
    await client.close();
    for (const server of listening) server.close();
  }
});
