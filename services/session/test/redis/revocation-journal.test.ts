import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRevocationJournal } from '../../src/redis/revocation-journal.ts';

it('revocation journal covers revoked sessions and keeps unreplicated revokes until replicated or too old', () => {
  let at = 1_000_000;
  const journal = createRevocationJournal({ retentionMs: 60_000, maxAgeMs: 3_600_000, now: () => at });
  const replicated = journal.record({ userId: 'u1', sid: 'a' });
  replicated.replicated = true;
  journal.record({ userId: 'u1', sid: 'b' });
  assert.equal(journal.covers('u1', 'a'), true);
  assert.equal(journal.covers('u1', 'b'), true);
  assert.equal(journal.covers('u2', 'a'), false);
  assert.equal(journal.unreplicatedCount(), 1);

  at += 60_001;
  journal.prune();
  assert.deepEqual(
    journal.pending().map((entry) => entry.sid),
    ['b'],
    'a replicated revoke leaves after its retention; an unreplicated one stays',
  );
  at += 3_600_000;
  journal.prune();
  assert.deepEqual(journal.pending(), [], 'nothing outlives a session');
});
