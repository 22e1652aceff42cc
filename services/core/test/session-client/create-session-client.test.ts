import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { freePort } from '@authscale/testkit';
import type { AuthError } from '../../src/errors.ts';
import { createSessionClient } from '../../src/session-client/create-session-client.ts';
import { rankReplicas } from '../../src/session-client/rank-replicas.ts';

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
    readBudgetMs: 300,
    healthCheckIntervalMs: 0,
  });
  try {
    await assert.rejects(client.validate('user-1.secret'), (error: AuthError) => {
      assert.equal(error.code, 'dependency_timeout');
      return true;
    });
    assert.ok(calls >= 2, `an idempotent read is tried on the next replica too (${calls} calls)`);
    assert.ok(calls <= 3, `no attempt starts past the read budget (${calls} calls)`);
  } finally {
    for (const response of held) response.destroy();
    await client.close();
    for (const server of listening) server.close();
  }
});

/** A replica stand-in answering every call with `answer`; `calls` counts them. */
async function fakeReplica(answer: (response: ServerResponse) => void) {
  const state = { calls: 0 };
  const server = createServer((_request, response) => {
    state.calls++;
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => {}),
    server,
  });
}

const createdSession = JSON.stringify({
  token: 'user-1.secret',
  session: {
    sid: 'A'.repeat(22),
    userId: 'user-1',
    tenantId: 'tenant-1',
    createdAt: 1,
    lastSeenAt: 1,
    idleExpiresAt: 2,
    absoluteExpiresAt: 3,
    ip: null,
    userAgent: null,
    amr: ['pwd'],
    acr: 'aal1',
    authTime: 1,
  },
});

/** A user whom rendezvous hashing gives to `first` before `second`. */
function userRankedFirstOn(first: string, second: string): string {
  const found = users.find((user) => rankReplicas(user, [first, second])[0] === new URL(first).origin);
  assert.ok(found);
  return found;
}

it('sends a create to the next replica when the first refused the connection: it never saw it', async () => {
  const refusing = `http://127.0.0.1:${await freePort()}`;
  const next = await fakeReplica((response) => response.writeHead(201).end(createdSession));
  const client = createSessionClient({ replicas: [refusing, next.url], internalToken, healthCheckIntervalMs: 0 });
  try {
    const userId = userRankedFirstOn(refusing, next.url);
    const created = await client.create({ userId, tenantId: 'tenant-1', amr: ['pwd'], acr: 'aal1' });
    assert.equal(created.token, 'user-1.secret');
    assert.equal(next.calls, 1);
  } finally {
    await client.close();
    await next.close();
  }
});

it('does not repeat a create that timed out: the first replica may have made the session', async () => {
  const held: ServerResponse[] = [];
  const silent = await fakeReplica((response) => held.push(response));
  const next = await fakeReplica((response) => response.writeHead(201).end(createdSession));
  const client = createSessionClient({
    replicas: [silent.url, next.url],
    internalToken,
    timeoutMs: 200,
    healthCheckIntervalMs: 0,
  });
  try {
    const userId = userRankedFirstOn(silent.url, next.url);
    await assert.rejects(client.create({ userId, tenantId: 'tenant-1', amr: ['pwd'], acr: 'aal1' }), {
      code: 'dependency_timeout',
    });
    assert.equal(silent.calls, 1);
    assert.equal(next.calls, 0);
  } finally {
    for (const response of held) response.destroy();
    await client.close();
    await Promise.all([silent.close(), next.close()]);
  }
});

it('answers dependency_failed when a replica answers something that is not JSON', async () => {
  const garbled = await fakeReplica((response) => response.writeHead(200).end('<html>'));
  const client = createSessionClient({ replicas: [garbled.url], internalToken, healthCheckIntervalMs: 0 });
  try {
    await assert.rejects(client.validate('user-1.secret'), { code: 'dependency_failed' });
  } finally {
    await client.close();
    await garbled.close();
  }
});

const liveSession = JSON.stringify({ session: JSON.parse(createdSession).session });
const unavailable = JSON.stringify({ error: { code: 'dependency_unavailable', message: 'Redis fails over' } });

it('retries a read on the live replica rather than on a dead one when the live one answered 503', async () => {
  // A replica killed while Redis fails over: the live replica's first answer is 503, and the retry
  // must not go to the replica whose connection is refused.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const live = await fakeReplica((response) =>
    live.calls === 1
      ? response.writeHead(503, { 'content-type': 'application/json' }).end(unavailable)
      : response.writeHead(200, { 'content-type': 'application/json' }).end(liveSession),
  );
  const client = createSessionClient({ replicas: [live.url, dead], internalToken, healthCheckIntervalMs: 0 });
  try {
    const userId = userRankedFirstOn(live.url, dead);
    const session = await client.touch(userId, 'A'.repeat(22));
    assert.equal(session?.sid, 'A'.repeat(22));
    assert.equal(live.calls, 2);
    assert.equal(client.replicaFor(userId), new URL(live.url).origin, 'the dead replica is marked down');
  } finally {
    await client.close();
    await live.close();
  }
});

/** A replica that cannot serve until `outageEndsAt` (answering `during`), then can. */
function replicaRidingOutAFailover(outageEndsAt: number, during: (response: ServerResponse) => void) {
  return fakeReplica((response) => {
    if (Date.now() < outageEndsAt) during(response);
    else response.writeHead(200, { 'content-type': 'application/json' }).end(liveSession);
  });
}

it('keeps trying a read through an outage longer than one attempt, up to the read budget', async () => {
  const answering503 = (response: ServerResponse) =>
    response.writeHead(503, { 'content-type': 'application/json' }).end(unavailable);
  const replica = await replicaRidingOutAFailover(Date.now() + 600, answering503);
  const patient = createSessionClient({ replicas: [replica.url], internalToken, healthCheckIntervalMs: 0 });
  try {
    assert.equal((await patient.touch('user-1', 'A'.repeat(22)))?.sid, 'A'.repeat(22));
    assert.ok(replica.calls > 2, `it answered 503 until the outage ended (${replica.calls} calls)`);
  } finally {
    await patient.close();
    await replica.close();
  }
  const again = await replicaRidingOutAFailover(Date.now() + 600, answering503);
  const impatient = createSessionClient({
    replicas: [again.url],
    internalToken,
    readBudgetMs: 0,
    healthCheckIntervalMs: 0,
  });
  try {
    await assert.rejects(impatient.touch('user-1', 'A'.repeat(22)), { code: 'dependency_unavailable' });
  } finally {
    await impatient.close();
    await again.close();
  }
});

it('keeps trying a read whose attempts time out while the replicas wait out a failover', async () => {
  const held: ServerResponse[] = [];
  // Both replicas wait on the same Redis, so the outage ends for both at once, after two attempts.
  const outageEndsAt = Date.now() + 1_500;
  const replicas = await Promise.all([
    replicaRidingOutAFailover(outageEndsAt, (response) => held.push(response)),
    replicaRidingOutAFailover(outageEndsAt, (response) => held.push(response)),
  ]);
  const client = createSessionClient({
    replicas: replicas.map(({ url }) => url),
    internalToken,
    // undici's deadlines tick about once a second, so each attempt here ends after about 1 s.
    timeoutMs: 200,
    readBudgetMs: 4_000,
    healthCheckIntervalMs: 0,
  });
  try {
    assert.equal((await client.validate('user-1.secret'))?.sid, 'A'.repeat(22));
  } finally {
    for (const response of held) response.destroy();
    await client.close();
    await Promise.all(replicas.map((replica) => replica.close()));
  }
});

it('tries an answer that is a bug on one other replica only, not for the whole budget', async () => {
  const failing = (response: ServerResponse) =>
    response
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'internal' } }));
  const replicas = await Promise.all([fakeReplica(failing), fakeReplica(failing)]);
  const client = createSessionClient({
    replicas: replicas.map(({ url }) => url),
    internalToken,
    healthCheckIntervalMs: 0,
  });
  try {
    await assert.rejects(client.validate('user-1.secret'), { code: 'internal' });
    assert.deepEqual(
      replicas.map(({ calls }) => calls),
      [1, 1],
    );
  } finally {
    await client.close();
    await Promise.all(replicas.map((replica) => replica.close()));
  }
});
