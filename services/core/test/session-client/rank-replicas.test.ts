import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rankReplicas } from '../../src/session-client/rank-replicas.ts';

const keys = Array.from({ length: 6000 }, (_, index) => `user-${index}`);
const owners = (replicas: string[]) => new Map(keys.map((key) => [key, rankReplicas(key, replicas)[0]]));

it('ranks every replica once, deterministically', () => {
  const replicas = ['http://a:1', 'http://b:1', 'http://c:1'];
  const ranking = rankReplicas('user-1', replicas);
  assert.deepEqual([...ranking].sort(), replicas);
  assert.deepEqual(rankReplicas('user-1', [...replicas].reverse()), ranking);
});

it('spreads users over the replicas', () => {
  const counts = new Map<string, number>();
  for (const owner of owners(['a', 'b', 'c']).values())
    counts.set(owner as string, (counts.get(owner as string) ?? 0) + 1);
  for (const count of counts.values()) assert.ok(count > 1500 && count < 2500, `share ${count} of 6000`);
});

it('removing a replica moves only the users it owned, each to its next-ranked replica', () => {
  const before = owners(['a', 'b', 'c', 'd']);
  const after = owners(['a', 'b', 'c']);
  for (const key of keys) {
    if (before.get(key) === 'd') assert.equal(after.get(key), rankReplicas(key, ['a', 'b', 'c', 'd'])[1]);
    else assert.equal(after.get(key), before.get(key));
  }
});

it('adding a replica moves users only to the new replica', () => {
  const before = owners(['a', 'b', 'c']);
  const after = owners(['a', 'b', 'c', 'e']);
  let moved = 0;
  for (const key of keys) {
    if (after.get(key) !== before.get(key)) {
      assert.equal(after.get(key), 'e');
      moved++;
    }
  }
  assert.ok(moved > 1000 && moved < 2000, `moved ${moved} of 6000, about a quarter`);
});
