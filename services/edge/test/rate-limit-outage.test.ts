import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sessionCookieName } from '@authscale/core';
import { type RedisClusterServer, startRedisCluster } from '@authscale/testkit';
import { startEchoUpstream } from './fixtures/echo-upstream.ts';
import { startEdge } from './fixtures/edge-harness.ts';
import { type SessionLayer, startSessionLayer } from './fixtures/session-layer.ts';

const newUser = () => `u${randomUUID()}`;

describe('edge while its Redis Cluster (rate-limit counters, near-cache epochs) is down', () => {
  let cluster: RedisClusterServer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let sessionLayer: SessionLayer;

  before(async () => {
    sessionLayer = await startSessionLayer();
    cluster = await startRedisCluster();
    upstream = await startEchoUpstream();
    edge = await startEdge({
      orchestratorUrl: upstream.url,
      sessionLayer,
      redisUrls: cluster.urls,
      env: { SESSION_REDIS_URLS: cluster.urls.join(',') },
    });
    await cluster.stop();
  });
  after(async () => {
    await edge.app.close();
    await upstream.close();
    await sessionLayer.stop();
  });

  it('keeps serving under the per-IP limit (fails open)', async () => {
    const response = await edge.app.inject({ url: '/.well-known/jwks.json' });
    assert.equal(response.statusCode, 200);
  });

  it('refuses sign-in with 503 rather than lose its brute-force protection (fails closed)', async () => {
    const response = await edge.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'a@example.test', password: 'pw' },
    });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'dependency_unavailable');
  });

  it('reports degraded but stays ready, so the load balancer keeps it', async () => {
    const response = await edge.app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'degraded');
    assert.equal(response.json().checks.rateLimitRedis, 'failing');
    assert.equal(response.json().checks.nearCacheRedis, 'failing');
  });

  it('authenticates through a session replica and caches nothing while it cannot read epochs', async () => {
    const { token, session } = await sessionLayer.create(newUser());
    const me = () => edge.app.inject({ url: '/me', cookies: { [sessionCookieName]: token } });
    assert.equal((await me()).statusCode, 200);
    assert.equal((await me()).statusCode, 200);
    // Nobody can move an epoch now, so only an uncached answer sees the revoke.
    await sessionLayer.revoke(session.userId, session.sid);
    assert.equal((await me()).statusCode, 401);
  });
});
