import assert from 'node:assert/strict';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSessionClient } from '@authscale/core';
import { buildEdgeApp, createEdgeDependencies, loadEdgeConfig } from '@authscale/edge';
import { buildSessionApp, loadSessionConfig } from '@authscale/session';
import { addRedisAclUser, sharedServers } from '@authscale/testkit';
import { createCluster } from 'redis';
import { type RedisServiceUser, redisAccessString, redisServiceUsers } from '../../infra/constructs/redis-users.ts';

/**
 * The ElastiCache users' access strings, exactly as the data stack deploys them, applied to a real
 * Redis Cluster: each service does all its work as its own user, and neither user can run the
 * other's commands on the other's keys, nor anything an operator runs. With an allow-all ACL
 * (`on ~* +@all`) the refusals below pass and this test fails.
 */
describe('each service talks to Redis as its own ACL user', () => {
  const hex = randomBytes(4).toString('hex');
  const sessionKeyPrefix = `acl${hex}`;
  const internalToken = randomBytes(32).toString('base64url');
  const users = Object.fromEntries(
    redisServiceUsers.map((user) => [
      user,
      {
        name: `${user}-${hex}`,
        password: randomBytes(24).toString('hex'),
        rules: redisAccessString(user, { sessionKeyPrefix }),
      },
    ]),
  ) as Record<RedisServiceUser, { name: string; password: string; rules: string }>;

  let urls: string[];
  const removals: Array<() => Promise<void>> = [];
  const closers: Array<() => Promise<unknown>> = [];
  let sessionApp: Awaited<ReturnType<typeof buildSessionApp>>;
  let sessionUrl: string;
  let orchestrator: Server;

  /** A cluster client logged in as `user`, the way the services make theirs. */
  const clusterAs = async (user: RedisServiceUser) => {
    const { name, password } = users[user];
    const client = createCluster({ rootNodes: urls.map((url) => ({ url })), defaults: { username: name, password } });
    client.on('error', () => {});
    await client.connect();
    closers.push(() => client.close());
    return client;
  };

  const refused = async (attempt: Promise<unknown>, what: string) =>
    assert.match(
      String(
        await attempt.then(
          () => 'allowed',
          (error: Error) => error.message,
        ),
      ),
      /^NOPERM/,
      what,
    );

  before(async () => {
    const { redisCluster } = await sharedServers();
    urls = redisCluster.urls;
    for (const user of Object.values(users)) removals.push(await addRedisAclUser(redisCluster.nodes, user));

    sessionApp = await buildSessionApp(
      loadSessionConfig({
        LOG_LEVEL: 'silent',
        INTERNAL_API_TOKEN: internalToken,
        SESSION_BACKEND: 'redis-cluster',
        REDIS_CLUSTER_URLS: urls.join(','),
        REDIS_USERNAME: users.session.name,
        REDIS_PASSWORD: users.session.password,
        SESSION_KEY_PREFIX: sessionKeyPrefix,
      }),
    );
    sessionUrl = await sessionApp.listen({ host: '127.0.0.1', port: 0 });

    // The orchestrator answers every sign-in 401; the edge's limits are what this test watches.
    orchestrator = createServer((_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'invalid_credentials', message: 'invalid credentials' } }));
    });
    await new Promise<void>((resolve) => orchestrator.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await Promise.allSettled(closers.map((close) => close()));
    await sessionApp?.close();
    await new Promise((resolve) => orchestrator?.close(resolve));
    for (const remove of removals) await remove();
  });

  const edgeConfig = () =>
    loadEdgeConfig({
      LOG_LEVEL: 'silent',
      ORCHESTRATOR_URL: `http://127.0.0.1:${(orchestrator.address() as AddressInfo).port}`,
      SESSION_REPLICAS: sessionUrl,
      PUBLIC_ORIGIN: 'https://auth.example.test',
      INTERNAL_API_TOKEN: internalToken,
      SESSION_KEY_PREFIX: sessionKeyPrefix,
      RATE_LIMIT_REDIS_URLS: urls.join(','),
      RATE_LIMIT_REDIS_USERNAME: users.edge.name,
      RATE_LIMIT_REDIS_PASSWORD: users.edge.password,
      SESSION_REDIS_URLS: urls.join(','),
      SESSION_REDIS_USERNAME: users.edge.name,
      SESSION_REDIS_PASSWORD: users.edge.password,
      RATE_LIMIT_SIGN_IN_MAX: '2',
    });

  it('the session replicas create, read, touch, list and revoke sessions as the session user', async () => {
    const client = createSessionClient({ replicas: [sessionUrl], internalToken, healthCheckIntervalMs: 0 });
    closers.push(() => client.close());
    const userId = `u${randomUUID()}`;
    const input = { userId, tenantId: `t-${userId}`, amr: ['pwd'], acr: 'aal1' };
    const first = await client.create(input);
    const second = await client.create(input);
    assert.equal((await client.validate(first.token))?.userId, userId);
    assert.equal((await client.validate(first.token))?.userId, userId, 'a second read, from the near cache');
    assert.equal((await client.touch(userId, first.session.sid))?.userId, userId);
    assert.equal((await client.list(userId)).length, 2);
    await client.invalidateUser(userId);
    await client.revoke(userId, second.session.sid);
    assert.equal(await client.validate(second.token), null);
    assert.equal(await client.revokeAll(userId), 1);
    assert.equal(await client.validate(first.token), null);
    assert.equal((await sessionApp.inject({ url: '/readyz' })).statusCode, 200);
  });

  it('the edge counts sign-in attempts and reads session epochs as the edge user', async () => {
    const config = edgeConfig();
    const owned = createEdgeDependencies(config);
    closers.push(() => owned.close());
    const app = await buildEdgeApp(config, { dependencies: owned.dependencies });
    closers.push(() => app.close());
    for (let attempt = 0; ; attempt++) {
      const { checks } = (await app.inject({ url: '/readyz', remoteAddress: `127.0.2.${attempt}` })).json();
      if (checks.rateLimitRedis === 'ok' && checks.nearCacheRedis === 'ok') break;
      assert.ok(attempt < 100, `the edge did not reach Redis: ${JSON.stringify(checks)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The sign-in limit counts in Redis on every attempt and fails closed: a refused script would be 503.
    // From an address of its own: the per-IP limit counts 127.0.0.1 in the shared cluster, where
    // other test files send thousands of requests from it.
    const remoteAddress = `127.0.3.${randomInt(1, 255)}`;
    const login = () =>
      app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress,
        payload: { email: `${hex}@example.test`, password: 'wrong' },
      });
    assert.deepEqual(
      [(await login()).statusCode, (await login()).statusCode, (await login()).statusCode],
      [401, 401, 429],
    );

    // The near cache keeps a session only when it could read the user's epoch; served from it,
    // a session answers even with no replica at all.
    const client = createSessionClient({ replicas: [sessionUrl], internalToken, healthCheckIntervalMs: 0 });
    closers.push(() => client.close());
    const userId = `u${randomUUID()}`;
    const { token } = await client.create({ userId, tenantId: `t-${userId}`, amr: ['pwd'], acr: 'aal1' });
    const validate = owned.dependencies.validateSessionToken;
    assert.equal((await validate(token))?.userId, userId);
    await sessionApp.close();
    assert.equal((await validate(token))?.userId, userId, 'answered from the near cache');
  });

  it("a service's user cannot run the other's commands, touch its keys, or administer the cluster", async () => {
    const edge = await clusterAs('edge');
    const session = await clusterAs('session');
    const sessionKey = `${sessionKeyPrefix}:{u${hex}}`;
    const epochKey = `${sessionKey}:e`;
    const counterKey = `edge:ratelimit:${hex}`;
    const bump = "return redis.call('INCR', KEYS[1])";

    // The edge reads epochs, nothing more of a session.
    await refused(edge.sendCommand(sessionKey, true, ['HGETALL', sessionKey]), 'edge reads a session record');
    await refused(edge.sendCommand(sessionKey, false, ['DEL', sessionKey]), 'edge deletes a session record');
    await refused(edge.sendCommand(epochKey, false, ['INCR', epochKey]), 'edge moves an epoch');
    await refused(edge.sendCommand(epochKey, false, ['EVAL', bump, '1', epochKey]), 'edge moves an epoch in a script');
    await refused(edge.sendCommand(epochKey, false, ['WAIT', '1', '10']), 'edge runs WAIT');
    // The session replicas never touch the edge's counters.
    await refused(session.sendCommand(counterKey, false, ['EVAL', bump, '1', counterKey]), 'session bumps a counter');
    await refused(session.sendCommand(counterKey, true, ['GET', counterKey]), 'session reads a counter');
    await refused(session.sendCommand(counterKey, false, ['DEL', counterKey]), 'session deletes a counter');
    // Neither lists keys, publishes, reads the configuration or changes users, and neither can flush.
    for (const [name, client] of [
      ['edge', edge],
      ['session', session],
    ] as const) {
      for (const command of [
        ['KEYS', '*'],
        ['SCAN', '0'],
        ['FLUSHALL'],
        ['CONFIG', 'GET', '*'],
        ['ACL', 'LIST'],
        ['CLIENT', 'LIST'],
        ['PUBLISH', 'channel', 'message'],
        ['SET', `other:${hex}`, 'x'],
      ]) {
        await refused(client.sendCommand(undefined, false, command), `${name} runs ${command.join(' ')}`);
      }
    }
  });
});
