import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { purgedEpochTtlMs, sessionIdFor } from '@authscale/core';
import { createSessions, type Sessions } from '../../src/store/create-sessions.ts';
import type { SessionStore } from '../../src/store/session-store.ts';

/** A clock the tests move forward; it never runs behind real time, which Redis expiry uses. */
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

const idleTtlMs = 30 * 60_000;
const absoluteTtlMs = 2 * 3_600_000;
const touchIntervalMs = 60_000;

const newUser = () => randomUUID();
const input = (userId: string) => ({
  userId,
  tenantId: randomUUID(),
  ip: '203.0.113.7',
  userAgent: 'contract-test',
  amr: ['pwd', 'otp'],
  acr: 'aal2',
});

/**
 * The behaviour every SessionStore backend must have, run unchanged against memory, postgres,
 * redis and redis-cluster on real servers. `open` gets the clock the store must use for expiry.
 */
export function sessionStoreContract(name: string, open: (clock: TestClock) => Promise<SessionStore>) {
  describe(`SessionStore contract: ${name}`, () => {
    const clock = testClock();
    let store: SessionStore;
    let sessions: Sessions;

    before(async () => {
      store = await open(clock);
      sessions = createSessions({ store, idleTtlMs, absoluteTtlMs, touchIntervalMs, now: clock.now });
    });
    after(() => store.close());

    it('creates a session whose token validates and whose id is derived from the token', async () => {
      const created = await sessions.create(input(newUser()));
      assert.match(created.token, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
      assert.equal(created.session.sid, sessionIdFor(created.token));
      const validated = await sessions.validate(created.token);
      assert.deepEqual(validated, created.session);
      assert.equal(
        JSON.stringify(await store.get(created.session.userId, created.session.sid)).includes(
          created.token.split('.')[1] as string,
        ),
        false,
      );
    });

    it('stores references and metadata only', async () => {
      const { session } = await sessions.create({ ...input(newUser()), ip: null, userAgent: null });
      assert.deepEqual(Object.keys(session).sort(), [
        'absoluteExpiresAt',
        'acr',
        'amr',
        'authTime',
        'createdAt',
        'idleExpiresAt',
        'ip',
        'lastSeenAt',
        'sid',
        'tenantId',
        'userAgent',
        'userId',
      ]);
      assert.deepEqual(await store.get(session.userId, session.sid), session);
    });

    it('answers null for malformed, forged and foreign tokens', async () => {
      const { token } = await sessions.create(input(newUser()));
      const [userId, secret] = token.split('.') as [string, string];
      const otherSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [
        '',
        '.',
        token.slice(0, -1),
        `${userId}.${otherSecret}`,
        `${newUser()}.${secret}`,
        `{x}.${secret}`,
        `${userId}`,
      ]) {
        assert.equal(await sessions.validate(bad), null, `token variant ${JSON.stringify(bad.slice(0, 10))}`);
      }
    });

    it('finds a session only under its own user', async () => {
      const { session } = await sessions.create(input(newUser()));
      assert.deepEqual(await sessions.get(session.userId, session.sid), session);
      assert.equal(await sessions.get(newUser(), session.sid), null);
    });

    it('throttles the activity write-back and slides the idle expiry', async () => {
      const { token, session } = await sessions.create(input(newUser()));
      clock.advance(touchIntervalMs / 2);
      assert.equal((await store.get(session.userId, session.sid))?.lastSeenAt, session.lastSeenAt);
      assert.equal(
        (await sessions.validate(token))?.lastSeenAt,
        session.lastSeenAt,
        'no write-back inside the interval',
      );
      clock.advance(touchIntervalMs);
      const slid = await sessions.validate(token);
      assert.ok(slid && slid.lastSeenAt > session.lastSeenAt && slid.idleExpiresAt > session.idleExpiresAt);
      assert.deepEqual(await store.get(session.userId, session.sid), slid);
    });

    it('keeps a session used only by id (bearer tokens, refresh) alive by touch, and get never slides it', async () => {
      const { session } = await sessions.create(input(newUser()));
      let last = session;
      for (let step = 0; step < 4; step++) {
        clock.advance(idleTtlMs * 0.75);
        assert.equal((await sessions.get(session.userId, session.sid))?.lastSeenAt, last.lastSeenAt, 'get reads only');
        const touched = await sessions.touch(session.userId, session.sid);
        assert.ok(touched && touched.idleExpiresAt > last.idleExpiresAt, 'touch slides the idle expiry');
        last = touched;
      }
      assert.ok(clock.now() > session.idleExpiresAt, 'the session outlived its first idle window');
      clock.advance(idleTtlMs + 1);
      assert.equal(await sessions.touch(session.userId, session.sid), null);
      assert.equal(await sessions.touch(newUser(), session.sid), null);
    });

    it('expires a session left idle', async () => {
      const { token } = await sessions.create(input(newUser()));
      clock.advance(idleTtlMs + 1);
      assert.equal(await sessions.validate(token), null);
    });

    it('never slides past the absolute expiry', async () => {
      const { token, session } = await sessions.create(input(newUser()));
      let last = session;
      while (clock.now() + idleTtlMs / 2 < session.absoluteExpiresAt) {
        clock.advance(idleTtlMs / 2);
        const touched = await sessions.validate(token);
        assert.ok(touched, 'an active session stays valid before its absolute expiry');
        assert.ok(touched.idleExpiresAt <= session.absoluteExpiresAt);
        last = touched;
      }
      assert.equal(last.absoluteExpiresAt, session.absoluteExpiresAt);
      clock.advance(session.absoluteExpiresAt - clock.now());
      assert.equal(await sessions.validate(token), null);
    });

    it('revokes one session, idempotently, leaving the others', async () => {
      const userId = newUser();
      const first = await sessions.create(input(userId));
      const second = await sessions.create(input(userId));
      assert.equal(await sessions.revoke(userId, first.session.sid), true);
      assert.equal(await sessions.revoke(userId, first.session.sid), false);
      assert.equal(await sessions.validate(first.token), null);
      assert.equal(await sessions.get(userId, first.session.sid), null);
      assert.ok(await sessions.validate(second.token));
    });

    it("lists a user's live sessions, newest first", async () => {
      const userId = newUser();
      const first = await sessions.create(input(userId));
      clock.advance(5);
      const second = await sessions.create(input(userId));
      clock.advance(5);
      const third = await sessions.create(input(userId));
      await sessions.create(input(newUser()));
      await sessions.revoke(userId, second.session.sid);
      assert.deepEqual(
        (await sessions.list(userId)).map((session) => session.sid),
        [third.session.sid, first.session.sid],
      );
      assert.deepEqual(await sessions.list(newUser()), []);
    });

    it("revokes all of a user's sessions and no other user's", async () => {
      const userId = newUser();
      const mine = await Promise.all([1, 2, 3].map(() => sessions.create(input(userId))));
      const other = await sessions.create(input(newUser()));
      assert.equal(await sessions.revokeAll(userId), 3);
      for (const { token } of mine) assert.equal(await sessions.validate(token), null);
      assert.deepEqual(await sessions.list(userId), []);
      assert.ok(await sessions.validate(other.token));
      assert.equal(await sessions.revokeAll(userId), 0);
    });

    it('purges a user (erasure): no session of theirs, live or expired, and at most a short-lived epoch', async () => {
      const userId = newUser();
      const expired = await sessions.create(input(userId));
      clock.advance(idleTtlMs + 1);
      const mine = await Promise.all([1, 2].map(() => sessions.create(input(userId))));
      const other = await sessions.create(input(newUser()));
      assert.equal((await store.footprint(userId)).sessions >= 2, true);

      assert.equal(await sessions.purgeUser(userId), 2);
      for (const { token } of [expired, ...mine]) assert.equal(await sessions.validate(token), null);
      const { sessions: left, epochExpiresInMs } = await store.footprint(userId);
      assert.equal(left, 0);
      // Edges must see the purge (the epoch moved), and the epoch must not outlive the bound.
      if (epochExpiresInMs !== null) assert.ok(epochExpiresInMs > 0 && epochExpiresInMs <= purgedEpochTtlMs);
      assert.ok(await sessions.validate(other.token));
      assert.equal(await sessions.purgeUser(userId), 0);
    });

    it('lets no session survive whose create returned before a concurrent revoke-all began', async () => {
      const userId = newUser();
      // Creates that overlap revoke-all may land on either side of it (each backend orders them at
      // its own linearization point); a create whose answer we already held when revoke-all was
      // sent must not survive, and every session must be either counted as revoked or still live.
      let revokeAllSent = false;
      let completed = 0;
      let halfDone: () => void = () => {};
      const half = new Promise<void>((resolve) => {
        halfDone = resolve;
      });
      const createAndNoteOrder = () =>
        sessions.create(input(userId)).then((created) => {
          if (++completed === 20) halfDone();
          return { ...created, beforeRevokeAll: !revokeAllSent };
        });
      const racing = Array.from({ length: 40 }, createAndNoteOrder);
      await half;
      revokeAllSent = true;
      const revoked = sessions.revokeAll(userId);
      const more = Array.from({ length: 40 }, createAndNoteOrder);
      const created = await Promise.all([...racing, ...more]);
      const count = await revoked;
      const live = new Set((await sessions.list(userId)).map((session) => session.sid));
      const settledBefore = created.filter((entry) => entry.beforeRevokeAll);
      assert.ok(settledBefore.length >= 20, 'some creates returned before revoke-all began');
      for (const entry of settledBefore)
        assert.equal(live.has(entry.session.sid), false, 'created before revoke-all began');
      assert.equal(count + live.size, created.length, 'every session is either revoked or live');
    });
  });
}
