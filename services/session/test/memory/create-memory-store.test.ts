import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { sessionEpochTtlMs } from '@authscale/core';
import { createMemoryStore } from '../../src/memory/create-memory-store.ts';
import { sessionStoreContract, testClock } from '../store/session-store-contract.ts';

sessionStoreContract('memory', async (clock) => createMemoryStore({ now: clock.now }));

describe('memory store epochs', () => {
  const record = (userId: string, sid: string, at: number) => ({
    sid,
    userId,
    tenantId: randomUUID(),
    createdAt: at,
    lastSeenAt: at,
    idleExpiresAt: at + 60_000,
    absoluteExpiresAt: at + 120_000,
    ip: '127.0.0.1',
    userAgent: 'test',
    amr: ['pwd'],
    acr: 'aal1',
    authTime: at,
  });

  it("moves a user's epoch when a session is revoked, all are, or the user is invalidated, and no one else's", async () => {
    const clock = testClock();
    const store = createMemoryStore({ now: clock.now });
    const [alice, bob] = [randomUUID(), randomUUID()];
    await store.create(record(alice, 's1', clock.now()));
    await store.create(record(bob, 's2', clock.now()));
    assert.equal(store.epochOf(alice), null, 'no epoch before any change');
    const seen = new Set<string | null>([null]);
    for (const change of [
      () => store.revoke(alice, 's1'),
      () => store.revokeAll(alice),
      () => store.invalidateUser?.(alice),
    ]) {
      await change();
      const epoch = store.epochOf(alice);
      assert.ok(!seen.has(epoch), `epoch ${epoch} did not move`);
      seen.add(epoch);
    }
    assert.equal(store.epochOf(bob), null);
    await store.close();
  });

  it('forgets an epoch only after every near-cached entry under the old one has aged out', async () => {
    const clock = testClock();
    const store = createMemoryStore({ now: clock.now });
    const userId = randomUUID();
    await store.revokeAll(userId);
    clock.advance(sessionEpochTtlMs - 1);
    assert.notEqual(store.epochOf(userId), null);
    clock.advance(1);
    assert.equal(store.epochOf(userId), null);
    await store.close();
  });
});
