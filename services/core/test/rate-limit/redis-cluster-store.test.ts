import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import rateLimit from '@fastify/rate-limit';
import { createCluster } from 'redis';
import { AuthError, createService, redisClusterRateLimitStore } from '../../src/index.ts';

describe('redisClusterRateLimitStore', () => {
  let cluster: ReturnType<typeof createCluster>;

  before(async () => {
    const { redisCluster } = await sharedServers();
    cluster = createCluster({ rootNodes: redisCluster.urls.map((url) => ({ url })) });
    await cluster.connect();
  });
  after(() => cluster.close());

  async function limitedApp(namespace: string, max: number) {
    const app = await createService({ name: 'test', logLevel: 'silent' });
    await app.register(rateLimit, {
      store: redisClusterRateLimitStore({ client: cluster, namespace, timeoutMs: 250 }),
      max,
      timeWindow: 60_000,
      keyGenerator: (request) => String(request.headers['x-client'] ?? 'anonymous'),
      errorResponseBuilder: () => new AuthError('rate_limited'),
    });
    app.get('/limited', async () => ({ ok: true }));
    await app.ready();
    return app;
  }

  it('counts across app instances and answers the N+1th request with 429 and Retry-After', async () => {
    const namespace = `test:${randomUUID()}`;
    const [first, second] = [await limitedApp(namespace, 3), await limitedApp(namespace, 3)];
    const statuses: number[] = [];
    for (const app of [first, second, first, second]) {
      const response = await app.inject({ url: '/limited', headers: { 'x-client': 'a' } });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        assert.equal(response.json().error.code, 'rate_limited');
        const retryAfter = Number(response.headers['retry-after']);
        assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const otherClient = await first.inject({ url: '/limited', headers: { 'x-client': 'b' } });
    assert.equal(otherClient.statusCode, 200, 'each key has its own counter');
    await Promise.all([first.close(), second.close()]);
  });

  it('keeps its counters in keys that expire with the window', async () => {
    const namespace = `test:${randomUUID()}`;
    const app = await limitedApp(namespace, 10);
    await app.inject({ url: '/limited', headers: { 'x-client': 'ttl' } });
    const ttl = Number(await cluster.sendCommand(`${namespace}:ttl`, true, ['PTTL', `${namespace}:ttl`]));
    assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
    await app.close();
  });

  describe('with batching', () => {
    const batching = { flushEveryMs: 60_000, maxKeys: 100 };
    async function batchedApp(namespace: string, max: number, client: typeof cluster = cluster) {
      const store = redisClusterRateLimitStore({ client, namespace, timeoutMs: 250, batching });
      const app = await createService({ name: 'test', logLevel: 'silent' });
      await app.register(rateLimit, {
        store,
        max,
        timeWindow: 60_000,
        keyGenerator: (request) => String(request.headers['x-client'] ?? 'anonymous'),
        errorResponseBuilder: () => new AuthError('rate_limited'),
      });
      app.get('/limited', async () => ({ ok: true }));
      const exact = app.createRateLimit({ max: 2, timeWindow: 60_000, keyGenerator: () => 'exact' });
      app.get('/exact', async (request) => {
        const result = await exact(request);
        return { allowed: result.isAllowed || !result.isExceeded };
      });
      await app.ready();
      return { app, store };
    }
    const hit = (app: Awaited<ReturnType<typeof batchedApp>>['app']) =>
      app.inject({ url: '/limited', headers: { 'x-client': 'a' } }).then((response) => response.statusCode);
    const counterIn = (namespace: string, key: string) =>
      cluster.sendCommand(`${namespace}:${key}`, true, ['GET', `${namespace}:${key}`]).then(Number);

    it('counts in memory, sends the sums, and then every edge limits on the shared count', async () => {
      const namespace = `test:${randomUUID()}`;
      const [first, second] = [await batchedApp(namespace, 5), await batchedApp(namespace, 5)];
      const before = [await hit(first.app), await hit(first.app), await hit(second.app), await hit(second.app)];
      assert.deepEqual(before, [200, 200, 200, 200]);
      assert.equal(await counterIn(namespace, 'a'), 0, 'nothing sent before a flush');
      await second.store.flush();
      await first.store.flush();
      assert.equal(await counterIn(namespace, 'a'), 4);
      // The first edge flushed last, so it knows the shared 4: its next hit is the 5th, the one after is over.
      assert.deepEqual([await hit(first.app), await hit(first.app)], [200, 429]);
      await Promise.all([first.app.close(), second.app.close()]);
    });

    it('counts hits whose sums are on their way to Redis', async () => {
      const { app, store } = await batchedApp(`test:${randomUUID()}`, 2);
      assert.deepEqual([await hit(app), await hit(app)], [200, 200]);
      const sending = store.flush();
      assert.equal(await hit(app), 429, 'the two sent are still counted while their answer is out');
      await sending;
      assert.equal(await hit(app), 429);
      await app.close();
    });

    it('counts limits made from it (sign-in) in Redis on every hit, across edges', async () => {
      const namespace = `test:${randomUUID()}`;
      const [first, second] = [await batchedApp(namespace, 100), await batchedApp(namespace, 100)];
      const exactly = (edge: typeof first) =>
        edge.app.inject({ url: '/exact' }).then((response) => response.json().allowed as boolean);
      assert.deepEqual([await exactly(first), await exactly(second), await exactly(first)], [true, true, false]);
      await Promise.all([first.app.close(), second.app.close()]);
    });

    it('keeps limiting on its own count while Redis cannot be reached', async () => {
      const unreachable = createCluster({
        rootNodes: cluster.masters.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
      });
      await unreachable.connect();
      unreachable.destroy();
      const { app, store } = await batchedApp(`test:${randomUUID()}`, 3, unreachable as unknown as typeof cluster);
      const statuses = [];
      for (let attempt = 0; attempt < 2; attempt++) statuses.push(await hit(app));
      await store.flush();
      for (let attempt = 0; attempt < 2; attempt++) statuses.push(await hit(app));
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      await app.close();
    });
  });

  it('refuses a client without sendCommand at construction', () => {
    assert.throws(
      () => redisClusterRateLimitStore({ client: {} as never, timeoutMs: 250 }),
      /authscale-rate-limit: option "client" must be a node-redis cluster client/,
    );
  });
});
