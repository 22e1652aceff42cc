import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killConnectionsNamed, sharedServers } from '@authscale/testkit';
import { createCluster } from 'redis';
import {
  createSessionNearCache,
  type SessionView,
  sessionEpochKey,
  sessionIdFor,
  TrackedEpochs,
} from '../../src/index.ts';

const prefix = `nc${randomBytes(3).toString('hex')}`;
const clientName = `near-cache-test-${randomBytes(3).toString('hex')}`;

function session(now = Date.now()) {
  const userId = randomUUID();
  const token = `${userId}.${randomBytes(32).toString('base64url')}`;
  const view: SessionView = {
    sid: sessionIdFor(token),
    userId,
    tenantId: randomUUID(),
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 30 * 60_000,
    absoluteExpiresAt: now + 12 * 3_600_000,
    ip: null,
    userAgent: null,
    amr: ['pwd'],
    acr: 'aal1',
    authTime: now,
  };
  /** Stands in for the session replicas: answers with the view and counts the calls. */
  const replica = {
    calls: 0,
    /** Whether each call asked to read past the replica's own near cache. */
    fresh: [] as boolean[],
    load: async (_token?: string, options?: { fresh: boolean }) => {
      replica.calls++;
      replica.fresh.push(options?.fresh ?? false);
      return view;
    },
  };
  return { token, view, replica, epochKey: sessionEpochKey(prefix, userId) };
}

const epochs = new TrackedEpochs({ ttl: 0, maxEntries: 1000, evictPolicy: 'LRU' });

/** As the edge builds it: RESP3, with the epochs as node-redis's client-side cache. */
const trackedClient = (urls: string[]) =>
  createCluster({
    rootNodes: urls.map((url) => ({ url })),
    defaults: { name: clientName },
    RESP: 3,
    clientSideCache: epochs,
  });

/** Invalidation messages arrive asynchronously: a bounded wait for the cache to notice. */
async function eventually(check: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail('the near cache did not notice in time');
}

describe('createSessionNearCache over a real Redis Cluster', () => {
  let urls: string[];
  let tracked: ReturnType<typeof trackedClient>;
  let writer: ReturnType<typeof createCluster>;

  before(async () => {
    ({ urls } = (await sharedServers()).redisCluster);
    tracked = trackedClient(urls);
    writer = createCluster({ rootNodes: urls.map((url) => ({ url })) });
    tracked.on('error', () => {});
    await Promise.all([tracked.connect(), writer.connect()]);
  });
  after(() => Promise.all([tracked.close(), writer.close()]));

  const nearCache = (now?: () => number) =>
    createSessionNearCache({
      epochOf: (userId) => epochs.read(tracked, sessionEpochKey(prefix, userId)),
      maxAgeMs: 30_000,
      maxEntries: 100,
      ...(now ? { now } : {}),
    });

  it('serves a seen session from memory until its user’s epoch moves', async () => {
    const cache = nearCache();
    const { token, view, replica, epochKey } = session();
    assert.deepEqual(await cache.validate(token, replica.load), view);
    assert.deepEqual(await cache.validate(token, replica.load), view);
    assert.deepEqual(
      await cache.touch(view.userId, view.sid, (_userId, _sid, options) => replica.load(token, options)),
      view,
    );
    assert.equal(replica.calls, 1);

    await writer.incr(epochKey);
    await eventually(async () => {
      await cache.validate(token, replica.load);
      return replica.calls === 2;
    });
    // The replica may not have heard of the change yet: the reload reads past its cache.
    assert.deepEqual(replica.fresh, [false, true]);
  });

  it('does not keep a session whose epoch moved while it was being loaded (a racing revoke)', async () => {
    const cache = nearCache();
    const { token, view, replica, epochKey } = session();
    const revokedMeanwhile = async () => {
      await writer.incr(epochKey);
      return replica.load();
    };
    await cache.validate(token, revokedMeanwhile);
    await sleep(50);
    await cache.validate(token, replica.load);
    assert.equal(replica.calls, 2);
    assert.equal(cache.derivedFor(view.sid) !== undefined, true, 'the second load, under the new epoch, is kept');
  });

  it('forgets what it read when its tracking connection drops, so a change made meanwhile is not missed', async () => {
    const cache = nearCache();
    const { token, replica, epochKey } = session();
    await cache.validate(token, replica.load);
    await cache.validate(token, replica.load);
    assert.equal(replica.calls, 1);

    // Killing the connection drops Redis's tracking state with it: the increment below sends no
    // invalidation to anyone, so only the client emptying its cache on disconnect can save it.
    assert.ok((await killConnectionsNamed((await sharedServers()).redisCluster.nodes, clientName)) > 0);
    await writer.incr(epochKey);
    await eventually(async () => {
      await cache.validate(token, replica.load).catch(() => null);
      return replica.calls === 2;
    });
  });

  it('asks the replicas again once the entry is older than the max age, however recently the session slid', async () => {
    let now = Date.now();
    const cache = nearCache(() => now);
    const { token, replica } = session(now - 50_000);
    await cache.validate(token, replica.load);
    now += 29_999;
    await cache.validate(token, replica.load);
    assert.equal(replica.calls, 1);
    now += 1;
    await cache.validate(token, replica.load);
    assert.equal(replica.calls, 2);
  });

  it('asks the replicas every time, and keeps nothing, while Redis cannot be asked', async () => {
    const cache = createSessionNearCache({
      epochOf: () => Promise.reject(new Error('Redis is unreachable')),
      maxAgeMs: 30_000,
      maxEntries: 100,
    });
    const { token, view, replica } = session();
    await cache.validate(token, replica.load);
    await cache.validate(token, replica.load);
    assert.equal(replica.calls, 2);
    assert.equal(cache.derivedFor(view.sid), undefined);
  });

  it('refuses a max age beyond the bound the epoch lifetime is built on', () => {
    assert.throws(
      () => createSessionNearCache({ epochOf: async () => null, maxAgeMs: 10 * 60_000, maxEntries: 1 }),
      TypeError,
    );
  });
});
