import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killConnectionsNamed, sharedServers } from '@authscale/testkit';
import { createCluster } from 'redis';
import { type EpochTtlReader, measureEpochPropagation, sessionEpochTtlMs, TrackedEpochs } from '../../src/index.ts';

const prefix = `te${randomBytes(3).toString('hex')}`;
const clientName = `tracked-epochs-test-${randomBytes(3).toString('hex')}`;
const keyFor = (name: string) => `${prefix}:{${name}}:e`;

/** Invalidation messages arrive asynchronously: a bounded wait for the epochs to notice. */
async function eventually(check: () => boolean | Promise<boolean>) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail('the epochs did not notice in time');
}

describe('TrackedEpochs over a real Redis Cluster', () => {
  const epochs = new TrackedEpochs({ ttl: 0, maxEntries: 3, evictPolicy: 'LRU' });
  let tracked: { get(key: string): Promise<unknown>; close(): Promise<void> };
  let writer: ReturnType<typeof createCluster>;
  /** The tracked client, counting the reads that reach it. */
  const counted = {
    gets: 0,
    get(key: string) {
      counted.gets++;
      return tracked.get(key);
    },
  };

  before(async () => {
    const { urls } = (await sharedServers()).redisCluster;
    const client = createCluster({
      rootNodes: urls.map((url) => ({ url })),
      defaults: { name: clientName },
      RESP: 3,
      clientSideCache: epochs,
    });
    writer = createCluster({ rootNodes: urls.map((url) => ({ url })) });
    client.on('error', () => {});
    await Promise.all([client.connect(), writer.connect()]);
    tracked = client;
  });
  after(() => Promise.all([tracked.close(), writer.close()]));

  it('answers from memory until Redis reports the key changed', async () => {
    const key = keyFor('changes');
    await writer.set(key, '1');
    const before = counted.gets;
    assert.equal(await epochs.read(counted, key), '1');
    assert.equal(epochs.read(counted, key), '1', 'a second read is answered synchronously');
    assert.equal(counted.gets - before, 1);

    await writer.incr(key);
    await eventually(async () => (await epochs.read(counted, key)) === '2');
  });

  it('remembers a key that does not exist, and notices when it is created', async () => {
    const key = keyFor('absent');
    assert.equal(await epochs.read(counted, key), null);
    assert.equal(epochs.read(counted, key), null);
    await writer.incr(key);
    await eventually(async () => (await epochs.read(counted, key)) === '1');
  });

  it('keeps nothing it read while an invalidation arrived, which may be for the value read', async () => {
    const key = keyFor('racing');
    await writer.set(key, '1');
    const invalidatedWithTheReply = {
      async get(name: string) {
        const value = await tracked.get(name);
        epochs.invalidate(name);
        return value;
      },
    };
    assert.equal(await epochs.read(invalidatedWithTheReply, key), '1');
    const before = counted.gets;
    await epochs.read(counted, key);
    assert.equal(counted.gets - before, 1, 'the racing read was not remembered');
  });

  it('forgets everything when a tracking connection drops, so a change made meanwhile is not missed', async () => {
    const key = keyFor('dropped');
    await writer.set(key, '1');
    await epochs.read(counted, key);
    assert.ok(epochs.heldEpochs > 0);
    // Killing the connection drops Redis's tracking state with it: the write below sends no
    // invalidation, so only forgetting on disconnect keeps the old value from being served.
    assert.ok((await killConnectionsNamed((await sharedServers()).redisCluster.nodes, clientName)) > 0);
    await writer.set(key, '2');
    await eventually(() => epochs.heldEpochs === 0);
    await eventually(async () => (await Promise.resolve(epochs.read(counted, key)).catch(() => null)) === '2');
  });

  it("measures how long a moved epoch took to arrive, from Redis's own clock, and ignores a key that is gone", async () => {
    const key = keyFor('measured');
    await writer.set(key, '1');
    await epochs.read(counted, key);
    const measured: number[] = [];
    epochs.onInvalidated = measureEpochPropagation({
      cluster: writer as unknown as EpochTtlReader,
      record: (milliseconds) => measured.push(milliseconds),
    });
    try {
      // What a move does (bumpEpochScript): a new value, and the full time to live again.
      await writer.set(key, '2', { PX: sessionEpochTtlMs });
      await eventually(() => measured.length === 1);
      assert.ok((measured[0] as number) >= 0 && (measured[0] as number) < 1000, `${measured[0]} ms`);

      // An epoch that is gone (expired, as Redis reports it, or deleted) is no move: its
      // invalidation counts nothing. Deleted here: shortening its life would itself be a write,
      // reported while time to live is still left.
      await epochs.read(counted, key);
      await writer.del(key);
      await eventually(async () => (await epochs.read(counted, key)) === null);
      await sleep(50);
      assert.equal(measured.length, 1);
    } finally {
      epochs.onInvalidated = undefined;
    }
  });

  it('holds at most maxEntries epochs, dropping the oldest first', async () => {
    const keys = ['a', 'b', 'c', 'd'].map(keyFor);
    for (const key of keys) await epochs.read(counted, key);
    assert.equal(epochs.heldEpochs, 3);
    const before = counted.gets;
    await epochs.read(counted, keys[3] as string);
    assert.equal(counted.gets, before, 'the newest is still held');
    await epochs.read(counted, keys[0] as string);
    assert.equal(counted.gets - before, 1, 'the oldest was dropped');
  });
});
