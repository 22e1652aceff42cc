import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { AuthError, createSessionClient, type SessionClient } from '@authscale/core';
import { sharedServers } from '@authscale/testkit';
import { type ReplicaProcess, startReplica } from './support/start-replica.ts';

const internalToken = randomBytes(32).toString('base64url');
let replicas: ReplicaProcess[] = [];
let client: SessionClient;

before(async () => {
  const env = {
    INTERNAL_API_TOKEN: internalToken,
    SESSION_BACKEND: 'redis-cluster',
    REDIS_CLUSTER_URLS: (await sharedServers()).redisCluster.urls.join(','),
    SESSION_KEY_PREFIX: `t${randomBytes(4).toString('hex')}`,
  };
  replicas = await Promise.all([1, 2, 3].map(() => startReplica(env)));
  client = createSessionClient({
    replicas: replicas.map((replica) => replica.url),
    internalToken,
    healthCheckIntervalMs: 200,
  });
});

after(async () => {
  await client?.close();
  await Promise.all(replicas.map((replica) => replica.stop()));
});

it('any replica serves any user: state lives in Redis, not in the replica', async () => {
  const { token, session } = await client.create({
    userId: randomUUID(),
    tenantId: randomUUID(),
    amr: ['pwd'],
    acr: 'aal1',
  });
  for (const replica of replicas) {
    const direct = createSessionClient({ replicas: [replica.url], internalToken, healthCheckIntervalMs: 0 });
    assert.equal((await direct.validate(token))?.sid, session.sid);
    await direct.close();
  }
});

it('loses no request when a session replica is killed during steady traffic', async () => {
  const created = await Promise.all(
    Array.from({ length: 60 }, () =>
      client.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' }),
    ),
  );
  const victim = replicas[0] as ReplicaProcess;
  const ownedByVictim = created.filter(({ session }) => client.replicaFor(session.userId) === victim.url);
  assert.ok(ownedByVictim.length > 0, 'the victim owns a share of the users');

  let running = true;
  let requests = 0;
  const failures: unknown[] = [];
  const worker = async (offset: number) => {
    for (let index = offset; running; index++) {
      const { token, session } = created[index % created.length] as (typeof created)[number];
      try {
        const validated = await client.validate(token);
        if (validated?.sid !== session.sid) failures.push(new Error('a live session did not validate'));
        const byId = await client.get(session.userId, session.sid);
        if (byId?.sid !== session.sid) failures.push(new Error('a live session was not found'));
        requests += 2;
      } catch (error) {
        failures.push(error);
      }
    }
  };
  const workers = [0, 15, 30, 45].map(worker);
  while (requests < 200) await new Promise((resolve) => setTimeout(resolve, 10));
  await victim.kill();
  const afterKill = requests;
  while (requests < afterKill + 400) await new Promise((resolve) => setTimeout(resolve, 10));
  running = false;
  await Promise.all(workers);

  assert.deepEqual(failures, []);
  for (const { session } of ownedByVictim) assert.notEqual(client.replicaFor(session.userId), victim.url);
});

it('maps a replica that stops answering to dependency_timeout and one that is gone to dependency_unavailable', async () => {
  const lonely = await startReplica({ INTERNAL_API_TOKEN: internalToken, SESSION_BACKEND: 'memory' });
  const direct = createSessionClient({
    replicas: [lonely.url],
    internalToken,
    timeoutMs: 300,
    healthCheckIntervalMs: 0,
  });
  const { token } = await direct.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
  const codeOf = (error: unknown) => (error instanceof AuthError ? error.code : String(error));
  try {
    lonely.process.kill('SIGSTOP');
    await assert.rejects(direct.validate(token), (error) => codeOf(error) === 'dependency_timeout');
  } finally {
    lonely.process.kill('SIGCONT');
  }
  assert.ok(await direct.validate(token), 'answers again once resumed');
  await lonely.kill();
  await assert.rejects(direct.validate(token), (error) => codeOf(error) === 'dependency_unavailable');
  await assert.rejects(
    direct.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' }),
    (error) => codeOf(error) === 'dependency_unavailable',
  );
  await direct.close();
});
