import assert from 'node:assert/strict';
import { it } from 'node:test';
import { packSession, unpackSession } from '../../src/redis/session-value.ts';
import type { SessionRecord } from '../../src/store/session-record.ts';

const record: SessionRecord = {
  sid: 'x'.repeat(22),
  userId: 'user-1',
  tenantId: '0b7c6e0e-3f2a-4c55-9d1e-2a4f6b8c9d10',
  createdAt: 1_760_000_000_123,
  lastSeenAt: 1_760_000_060_456,
  idleExpiresAt: 1_760_001_860_456,
  absoluteExpiresAt: 1_760_604_800_123,
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  amr: ['pwd', 'otp'],
  acr: 'aal2',
  authTime: 1_760_000_000_000,
};
const roundTrip = (changes: Partial<SessionRecord>) => {
  const changed = { ...record, ...changes };
  return unpackSession(changed.userId, changed.sid, packSession(changed));
};

it('packs a typical record into far less than hash-max-listpack-value', () => {
  assert.deepEqual(roundTrip({}), record);
  assert.ok(packSession(record).length < 200, packSession(record));
});

it('keeps separators, percent signs, empty strings and nulls apart', () => {
  for (const changes of [
    { ip: null, userAgent: null },
    { ip: '', userAgent: '' },
    { tenantId: '|%,%7C', acr: '%', userAgent: 'a|b,c%25 é 🙂' },
    { amr: [] },
    { amr: [''] },
    { amr: ['a,b', '', '|'] },
    { authTime: record.createdAt + 5, idleExpiresAt: record.lastSeenAt - 1 },
  ]) {
    assert.deepEqual(roundTrip(changes), { ...record, ...changes }, JSON.stringify(changes));
  }
});

it('refuses values it did not write', () => {
  for (const value of ['', '2abc|0|0|0|0|t|a||', packSession(record).replace('|', ''), '1zz|0|0|0|0|%ZZ|a|||']) {
    assert.equal(unpackSession('user-1', 'sid', value), null, value);
  }
});
