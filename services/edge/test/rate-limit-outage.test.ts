import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RedisClusterServer, startRedisCluster } from '@authscale/testkit';
import { startEchoUpstream } from './fixtures/echo-upstream.ts';
import { startEdge } from './fixtures/edge-harness.ts';
import { type SessionLayer, startSessionLayer } from './fixtures/session-layer.ts';

describe('edge while the rate-limit Redis Cluster is down', () => {
  let cluster: RedisClusterServer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let sessionLayer: SessionLayer;

  before(async () => {
    sessionLayer = await startSessionLayer();
    cluster = await startRedisCluster();
    upstream = await startEchoUpstream();
    edge = await startEdge({ orchestratorUrl: upstream.url, sessionLayer, redisUrls: cluster.urls });
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
  });
});
