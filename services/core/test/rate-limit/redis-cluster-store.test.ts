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

  it('refuses a client without sendCommand at construction', () => {
    assert.throws(
      () => redisClusterRateLimitStore({ client: {} as never, timeoutMs: 250 }),
      /authscale-rate-limit: option "client" must be a node-redis cluster client/,
    );
  });
});
