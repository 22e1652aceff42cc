import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createService, createSessionClient, sessionCookieName } from '@authscale/core';
import { buildEdgeApp, loadEdgeConfig } from '@authscale/edge';
import { buildSessionApp, createMemoryStore, loadSessionConfig } from '@authscale/session';

/**
 * `npm start`'s wiring: one process, sessions in memory, no Redis. The edge reads the memory
 * store's invalidation epochs directly, so it keeps its near cache (a seen session and its `/me`
 * are answered without the session replica or the orchestrator) and a revoke shows on the very
 * next request.
 */
describe('the near cache in one process', () => {
  const internalToken = randomBytes(32).toString('base64url');
  const store = createMemoryStore();
  const reads = { count: 0 };
  const meAnswered = { count: 0 };
  const countedStore = {
    ...store,
    get: (...args: Parameters<typeof store.get>) => {
      reads.count++;
      return store.get(...args);
    },
  };
  let session: Awaited<ReturnType<typeof buildSessionApp>>;
  let upstream: Awaited<ReturnType<typeof createService>>;
  let client: ReturnType<typeof createSessionClient>;
  let replicaUrl: string;
  let upstreamUrl: string;

  before(async () => {
    session = await buildSessionApp(
      loadSessionConfig({ LOG_LEVEL: 'silent', SESSION_BACKEND: 'memory', INTERNAL_API_TOKEN: internalToken }),
      { store: countedStore },
    );
    replicaUrl = await session.listen({ host: '127.0.0.1', port: 0 });
    // The orchestrator's part is not under test: any answer to `/me` will do.
    upstream = await createService({ name: 'orchestrator-stand-in', logLevel: 'silent' });
    upstream.get('/me', async () => {
      meAnswered.count++;
      return { ok: true };
    });
    upstreamUrl = await upstream.listen({ host: '127.0.0.1', port: 0 });
    client = createSessionClient({ replicas: [replicaUrl], internalToken, healthCheckIntervalMs: 0 });
  });
  after(async () => {
    await client.close();
    await upstream.close();
    await session.close();
  });

  const edgeFor = async (options: Parameters<typeof buildEdgeApp>[1]) => {
    const edge = await buildEdgeApp(
      loadEdgeConfig({
        LOG_LEVEL: 'silent',
        ORCHESTRATOR_URL: upstreamUrl,
        SESSION_REPLICAS: replicaUrl,
        PUBLIC_ORIGIN: 'https://app.example.test',
        INTERNAL_API_TOKEN: internalToken,
      }),
      options,
    );
    await edge.ready();
    return edge;
  };
  const signIn = async () => {
    const userId = randomUUID();
    const created = await client.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
    return { userId, sid: created.session.sid, token: created.token };
  };

  it('answers a seen session from the near cache, and refuses it on the request after its revoke', async () => {
    const edge = await edgeFor({ sessionEpochs: (userId) => store.epochOf(userId) });
    try {
      const { userId, sid, token } = await signIn();
      const me = () => edge.inject({ url: '/me', cookies: { [sessionCookieName]: token } });
      assert.equal((await me()).statusCode, 200);
      const [readsAfterFirst, answersAfterFirst] = [reads.count, meAnswered.count];
      for (let i = 0; i < 5; i++) assert.equal((await me()).statusCode, 200);
      assert.equal(reads.count, readsAfterFirst, 'the replica was asked again');
      assert.equal(meAnswered.count, answersAfterFirst, 'the orchestrator was asked again');

      await client.revoke(userId, sid);
      assert.equal((await me()).statusCode, 401);
    } finally {
      await edge.close();
    }
  });

  it('without the epochs, every request asks the replica', async () => {
    const edge = await edgeFor({});
    try {
      const { token } = await signIn();
      const before = reads.count;
      for (let i = 0; i < 3; i++) {
        assert.equal((await edge.inject({ url: '/me', cookies: { [sessionCookieName]: token } })).statusCode, 200);
      }
      assert.equal(reads.count - before, 3);
    } finally {
      await edge.close();
    }
  });
});
