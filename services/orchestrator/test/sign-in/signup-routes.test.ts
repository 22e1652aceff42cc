import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

describe('POST /auth/signup', () => {
  let harness: Harness;
  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  const signup = (payload: unknown, headers: Record<string, string> = {}) =>
    harness.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('creates a user with a personal tenant they own', async () => {
    const response = await signup({ email: 'Frank@Example.com', password: 'correct horse battery staple' });
    assert.equal(response.statusCode, 201);
    const { userId, tenantId } = response.json();
    assert.equal(await harness.identity.memberships.find({ userId, tenantId }), 'owner');
    assert.deepEqual(await harness.identity.users.get({ userId }), { id: userId, email: 'frank@example.com' });
    const login = await harness.identity.users.findPasswordLogin({ email: 'frank@example.com' });
    assert.match(login?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers an existing email with the same shape and reveals nothing', async () => {
    const first = await signup({ email: 'grace@example.com', password: 'a long unusual passphrase' });
    const again = await signup({ email: 'GRACE@example.com', password: 'another long passphrase' });
    assert.equal(again.statusCode, 201);
    assert.deepEqual(Object.keys(again.json()).sort(), ['tenantId', 'userId']);
    assert.notEqual(again.json().userId, first.json().userId);
    // The original credential is untouched.
    const login = await harness.identity.users.findPasswordLogin({ email: 'grace@example.com' });
    assert.equal(login?.userId, first.json().userId);
  });

  it('look-alike addresses: a full-width spelling is the same account, a mixed-script one is refused', async () => {
    const password = 'a long unusual passphrase';
    const first = await signup({ email: 'heidi@example.com', password });
    assert.equal(first.statusCode, 201);
    await signup({ email: 'ｈｅｉｄｉ@ｅｘａｍｐｌｅ.ｃｏｍ', password });
    const admin = new pg.Pool({ connectionString: harness.database.adminUrl, max: 1 });
    const { rows } = await admin.query("SELECT email FROM users WHERE email LIKE '%eidi@%'");
    await admin.end();
    assert.deepEqual(rows, [{ email: 'heidi@example.com' }]);
    assert.equal(
      (await harness.identity.users.findPasswordLogin({ email: 'ＨＥＩＤＩ@example.com' }))?.userId,
      first.json().userId,
    );
    const mixed = await signup({ email: 'hеidi@example.com', password });
    assert.equal(mixed.statusCode, 400);
    assert.equal(mixed.json().error.code, 'invalid_request');
  });

  it('look-alike addresses: a whole-script look-alike of an account answers as a taken address and opens none', async () => {
    const password = 'a long unusual passphrase';
    const first = await signup({ email: 'ococ@example.com', password });
    assert.equal(first.statusCode, 201);
    // Every letter Cyrillic: no part mixes scripts, but it renders as the address above.
    const lookAlike = await signup({ email: '\u043e\u0441\u043e\u0441@example.com', password });
    assert.equal(lookAlike.statusCode, 201);
    assert.notEqual(lookAlike.json().userId, first.json().userId);
    assert.equal(
      await harness.identity.users.findPasswordLogin({ email: '\u043e\u0441\u043e\u0441@example.com' }),
      null,
    );
  });

  it('enforces the password policy: 8..128 code points, no common passwords, no composition rules', async () => {
    const refused = ['short', 'password1', 'Password1', 'qwertyuiop', 'x'.repeat(129), '🔑'.repeat(129)];
    for (const password of refused) {
      const response = await signup({ email: `weak-${refused.indexOf(password)}@example.com`, password });
      assert.equal(response.statusCode, 400, password);
      assert.equal(response.json().error.code, 'weak_password');
    }
    // Eight emoji are eight code points (sixteen UTF-16 units): accepted, as are 128 code points.
    for (const password of ['🔑🔑🔑🔑🔑🔑🔑🔑', 'é'.repeat(128), 'alllowercaseletters']) {
      const response = await signup({ email: `ok-${password.length}@example.com`, password });
      assert.equal(response.statusCode, 201, password);
    }
  });

  it('answers malformed bodies with 400 and the error shape, never 5xx', async () => {
    const cases: [unknown, Record<string, string>?][] = [
      ['{"email": "a@b.c", "password": ', undefined],
      ['', undefined],
      ['null', undefined],
      ['[]', undefined],
      [{ email: 'a@b.c' }],
      [{ password: 'long enough password' }],
      [{ email: 42, password: 'long enough password' }],
      [{ email: 'not-an-email', password: 'long enough password' }],
      // No address has a NUL, and Postgres cannot store one: the schema refuses it before the database.
      [{ email: 'a\u0000b@c.d', password: 'long enough password' }],
      [{ email: 'a@b.c', password: ['array'] }],
      [{ email: 'a@b.c', password: 'long enough password', role: 'admin' }],
      [{ email: 'a@b.c', password: 'x'.repeat(2000) }],
      ['email=a@b.c', { 'content-type': 'application/x-www-form-urlencoded' }],
    ];
    for (const [payload, headers] of cases) {
      const response = await signup(payload, headers);
      assert.ok([400, 415].includes(response.statusCode), `${JSON.stringify(payload)} -> ${response.statusCode}`);
      const body = response.json();
      assert.equal(typeof body.error.code, 'string');
      assert.equal(typeof body.error.message, 'string');
      assert.doesNotMatch(response.body, /at .*\.ts:\d+/);
    }
  });

  it('answers an oversized body with 413', async () => {
    const response = await signup({ email: 'a@b.c', password: 'x'.repeat(100_000) });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error.code, 'payload_too_large');
  });
});
