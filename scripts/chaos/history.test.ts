import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type CheckOptions, checkHistory, type Operation } from './history.ts';

const options: CheckOptions = { stalenessBoundMs: 100, readsMustSucceed: true };
const signIn = (sid: string, end = 10): Operation => ({ kind: 'sign-in', user: 'u', sid, start: 0, end, outcome: 200 });
const read = (sid: string, start: number, outcome: Operation['outcome'], final = false): Operation => ({
  kind: 'read',
  user: 'u',
  sid,
  start,
  end: start + 1,
  outcome,
  ...(final ? { final } : {}),
});
const invariants = (history: Operation[], overrides: Partial<CheckOptions> = {}) =>
  checkHistory(history, { ...options, ...overrides }).violations.map(({ invariant }) => invariant);

it('passes a history where every answer is what the invariants allow', () => {
  const history: Operation[] = [
    signIn('a'),
    read('a', 20, 200),
    { kind: 'revoke', user: 'u', sid: 'a', start: 30, end: 40, outcome: 204 },
    read('a', 41, 401),
    read('a', 90, 401, true),
  ];
  assert.deepEqual(checkHistory(history, options), { violations: [], observedStalenessMs: 0 });
});

it('finds a session lost after its sign-in was acknowledged, during the run or in the final check', () => {
  assert.deepEqual(invariants([signIn('a'), read('a', 20, 401)]), ['acknowledged-session-lost']);
  assert.deepEqual(invariants([signIn('a'), read('a', 20, 200), read('a', 90, 401, true)]), [
    'acknowledged-session-lost',
  ]);
});

it('does not count a 401 once something may have revoked the session', () => {
  const unanswered: Operation = { kind: 'revoke', user: 'u', sid: 'a', start: 30, end: 40, outcome: 503 };
  assert.deepEqual(invariants([signIn('a'), unanswered, read('a', 50, 401)]), []);
  const replayed: Operation = {
    kind: 'refresh',
    user: 'u',
    sid: 'a',
    start: 30,
    end: 40,
    outcome: 401,
    presented: 'p',
  };
  assert.deepEqual(invariants([signIn('a'), replayed, read('a', 50, 401)]), []);
  const change: Operation = { kind: 'password-change', user: 'u', sid: 'b', start: 30, end: 40, outcome: 200 };
  assert.deepEqual(invariants([signIn('a'), signIn('b'), change, read('a', 50, 401), read('b', 50, 200)]), []);
});

it('counts a password change as a revoke of the sessions signed in before it, not of later ones', () => {
  const change: Operation = { kind: 'password-change', user: 'u', sid: 'b', start: 30, end: 40, outcome: 200 };
  const later: Operation = { kind: 'sign-in', user: 'u', sid: 'c', start: 50, end: 60, outcome: 200 };
  assert.deepEqual(invariants([signIn('a'), signIn('b'), change, later, read('c', 300, 200)]), []);
  assert.deepEqual(invariants([signIn('a'), signIn('b'), change, later, read('a', 300, 200)]), [
    'revoked-session-served',
  ]);
  assert.deepEqual(invariants([signIn('a'), signIn('b'), change, later, read('c', 300, 401)]), [
    'acknowledged-session-lost',
  ]);
});

it('finds a revoked session served past the bound, and reports how late', () => {
  const revoke: Operation = { kind: 'revoke', user: 'u', sid: 'a', start: 30, end: 40, outcome: 204 };
  const within = checkHistory([signIn('a'), revoke, read('a', 90, 200)], options);
  assert.deepEqual(within, { violations: [], observedStalenessMs: 50 });
  const late = checkHistory([signIn('a'), revoke, read('a', 400, 200)], options);
  assert.deepEqual(
    late.violations.map(({ invariant }) => invariant),
    ['revoked-session-served'],
  );
  assert.equal(late.observedStalenessMs, 360);
});

it('finds a refresh token exchanged for two different successors, not for the same one twice', () => {
  const refresh = (successor: string): Operation => ({
    kind: 'refresh',
    user: 'u',
    sid: 'a',
    start: 20,
    end: 30,
    outcome: 200,
    presented: 't0',
    successor,
  });
  assert.deepEqual(invariants([signIn('a'), refresh('t1'), refresh('t1')]), []);
  assert.deepEqual(invariants([signIn('a'), refresh('t1'), refresh('t1-prime')]), ['refresh-family-forked']);
});

it('finds a read that failed, unless the scenario takes what reads need', () => {
  assert.deepEqual(invariants([signIn('a'), read('a', 20, 503)]), ['read-failed']);
  assert.deepEqual(invariants([signIn('a'), read('a', 20, 'no-answer')]), ['read-failed']);
  assert.deepEqual(invariants([signIn('a'), read('a', 20, 503)], { readsMustSucceed: false }), []);
});
