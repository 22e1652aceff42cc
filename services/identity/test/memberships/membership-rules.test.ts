import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMembershipChangeAllowed, type MembershipChange } from '../../src/memberships/membership-rules.ts';
import type { MembershipRole } from '../../src/types.ts';

const roles: (MembershipRole | null)[] = ['owner', 'admin', 'member', null];
const rank = { member: 0, admin: 1, owner: 2 } as const;

/** The rules written out independently, to compare against every combination. */
function expected(change: MembershipChange): 'allowed' | 'forbidden' | 'conflict' {
  const { actorId, actorRole, targetId, currentRole, nextRole, ownerCount } = change;
  const self = actorId === targetId;
  if (self && currentRole && nextRole && rank[nextRole] > rank[currentRole]) return 'forbidden';
  if (!self && actorRole === 'member') return 'forbidden';
  if (!self && actorRole === 'admin' && (currentRole === 'owner' || nextRole === 'owner')) return 'forbidden';
  if (currentRole === 'owner' && nextRole !== 'owner' && ownerCount < 2) return 'conflict';
  return 'allowed';
}

describe('the membership rules', () => {
  it('decide every combination of actor, target, change and owner count as the role table says', () => {
    let checked = 0;
    for (const actorRole of ['owner', 'admin', 'member'] as const) {
      for (const self of [true, false]) {
        for (const currentRole of roles) {
          for (const nextRole of roles) {
            if (currentRole === null && nextRole === null) continue;
            if (self && currentRole !== actorRole) continue;
            for (const ownerCount of [1, 2]) {
              const change = { actorId: 'a', actorRole, targetId: self ? 'a' : 'b', currentRole, nextRole, ownerCount };
              const outcome = expected(change);
              if (outcome === 'allowed') assert.doesNotThrow(() => assertMembershipChangeAllowed(change));
              else
                assert.throws(() => assertMembershipChangeAllowed(change), { code: outcome }, JSON.stringify(change));
              checked++;
            }
          }
        }
      }
    }
    assert.ok(checked > 60);
  });

  it('spells out the cases that matter most', () => {
    const base = { actorId: 'a', targetId: 'b', ownerCount: 1 } as const;
    assert.throws(
      () => assertMembershipChangeAllowed({ ...base, actorRole: 'admin', currentRole: 'owner', nextRole: null }),
      { code: 'forbidden' },
    );
    assert.throws(
      () =>
        assertMembershipChangeAllowed({
          ...base,
          targetId: 'a',
          actorRole: 'owner',
          currentRole: 'owner',
          nextRole: 'admin',
        }),
      { code: 'conflict' },
    );
    assert.throws(
      () =>
        assertMembershipChangeAllowed({
          ...base,
          targetId: 'a',
          actorRole: 'member',
          currentRole: 'member',
          nextRole: 'admin',
        }),
      { code: 'forbidden' },
    );
    assert.doesNotThrow(() =>
      assertMembershipChangeAllowed({ ...base, actorRole: 'admin', currentRole: 'member', nextRole: 'admin' }),
    );
  });
});
