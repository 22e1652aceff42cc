import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEchoUpstream } from './fixtures/echo-upstream.ts';
import { startEdge } from './fixtures/edge-harness.ts';
import {
  refusingUpstreamUrl,
  startGarbageUpstream,
  startHangingUpstream,
  startResettingUpstream,
} from './fixtures/failing-upstreams.ts';
import { type SessionLayer, startSessionLayer } from './fixtures/session-layer.ts';

let sessionLayer: SessionLayer;
before(async () => {
  sessionLayer = await startSessionLayer();
});
after(() => sessionLayer.stop());

async function askThrough(orchestratorUrl: string) {
  const edge = await startEdge({ orchestratorUrl, sessionLayer, env: { UPSTREAM_TIMEOUT_MS: '300' } });
  try {
    return await edge.app.inject({ method: 'POST', url: '/auth/signup', payload: { email: 'a@example.test' } });
  } finally {
    await edge.app.close();
  }
}

describe('edge answers for a failing orchestrator', () => {
  it('503 dependency_unavailable when nothing listens', async () => {
    const response = await askThrough(await refusingUpstreamUrl());
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), {
      error: { code: 'dependency_unavailable', message: 'A dependency is unavailable.' },
    });
  });

  it('504 dependency_timeout when it does not answer in time', async () => {
    const upstream = await startHangingUpstream();
    const response = await askThrough(upstream.url);
    assert.equal(response.statusCode, 504);
    assert.equal(response.json().error.code, 'dependency_timeout');
    await upstream.close();
  });

  it('502 dependency_failed when it answers something that is not HTTP', async () => {
    const upstream = await startGarbageUpstream();
    const response = await askThrough(upstream.url);
    assert.equal(response.statusCode, 502);
    assert.equal(response.json().error.code, 'dependency_failed');
    await upstream.close();
  });

  it('503 dependency_unavailable when it drops the connection, as every service answers a broken connection', async () => {
    const upstream = await startResettingUpstream();
    const response = await askThrough(upstream.url);
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'dependency_unavailable');
    await upstream.close();
  });

  it('503 dependency_unavailable when no connection is made in time: the request was never sent', async () => {
    // A TLS handshake nobody answers: the connect deadline, not the answer's, runs out.
    const upstream = await startHangingUpstream();
    const edge = await startEdge({
      orchestratorUrl: upstream.url.replace('http:', 'https:'),
      sessionLayer,
      env: { UPSTREAM_TIMEOUT_MS: '5000', UPSTREAM_CONNECT_TIMEOUT_MS: '100' },
    });
    try {
      const response = await edge.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email: 'a@example.test' },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'dependency_unavailable');
    } finally {
      await edge.app.close();
      await upstream.close();
    }
  });

  it('/readyz answers 503 while the orchestrator or every session replica is down', async (t) => {
    const refusing = await refusingUpstreamUrl();
    const echo = await startEchoUpstream();
    t.after(() => echo.close());
    const noOrchestrator = await startEdge({
      orchestratorUrl: refusing,
      sessionLayer,
      sessionReplicaUrls: [sessionLayer.url],
    });
    t.after(() => noOrchestrator.app.close());
    const down = await noOrchestrator.app.inject({ url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json().checks, { orchestrator: 'failing', sessionReplicas: 'ok', rateLimitRedis: 'ok' });

    const oneReplicaUp = await startEdge({
      orchestratorUrl: echo.url,
      sessionLayer,
      sessionReplicaUrls: [refusing, sessionLayer.url],
    });
    t.after(() => oneReplicaUp.app.close());
    assert.equal((await oneReplicaUp.app.inject({ url: '/readyz' })).statusCode, 200);

    const noReplica = await startEdge({ orchestratorUrl: echo.url, sessionLayer, sessionReplicaUrls: [refusing] });
    t.after(() => noReplica.app.close());
    const replicasDown = await noReplica.app.inject({ url: '/readyz' });
    assert.equal(replicasDown.statusCode, 503);
    assert.equal(replicasDown.json().checks.sessionReplicas, 'failing');
  });
});
