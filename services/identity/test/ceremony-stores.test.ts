import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type Identity } from '../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../src/testing/index.ts';

describe('ceremony stores', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;
  let admin: pg.Pool;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl, maxConnections: 12 });
    admin = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  });
  after(async () => {
    await identity.close();
    await admin.end();
    await database.drop();
  });

  const newUser = async () =>
    (
      await identity.users.signUpWithPassword({
        email: `${randomBytes(6).toString('hex')}@example.test`,
        passwordHash: 'h',
      })
    ).userId;
  const id = () => randomBytes(32).toString('base64url');

  it('a flow is taken by exactly one of many concurrent callers, and stored only as a hash', async () => {
    const flowId = id();
    await identity.flows.put({ kind: 'mfa', id: flowId, payload: { userId: 'u' }, ttlSeconds: 60 });
    const { rows } = await admin.query<{ id_hash: Buffer }>('SELECT id_hash FROM auth_flows');
    assert.ok(rows.every((row) => !row.id_hash.toString('utf8').includes(flowId)));
    assert.deepEqual(await identity.flows.get({ kind: 'mfa', id: flowId }), { userId: 'u' });
    assert.equal(await identity.flows.get({ kind: 'oidc', id: flowId }), null);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => identity.flows.take({ kind: 'mfa', id: flowId })),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it("a user's link token replaces their earlier one of the same kind, and leaves other kinds and users alone", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const [first, second, other, bobs] = [id(), id(), id(), id()];
    const link = (kind: string, flowId: string, userId: string) =>
      identity.flows.replaceForUser({ kind, id: flowId, userId, payload: { email: 'a@example.test' }, ttlSeconds: 60 });
    await link('password_reset', first, alice);
    await link('email_verification', other, alice);
    await link('password_reset', bobs, bob);
    await link('password_reset', second, alice);
    assert.equal(await identity.flows.get({ kind: 'password_reset', id: first }), null);
    assert.deepEqual(await identity.flows.get({ kind: 'password_reset', id: second }), {
      email: 'a@example.test',
      userId: alice,
    });
    assert.ok(await identity.flows.get({ kind: 'email_verification', id: other }));
    assert.ok(await identity.flows.get({ kind: 'password_reset', id: bobs }));
  });

  it('counts wrong answers against a flow in one statement each, and deletes it at the limit', async () => {
    const flowId = id();
    await identity.flows.put({ kind: 'email_code', id: flowId, payload: { attempts: 0 }, ttlSeconds: 60 });
    const left = await Promise.all(
      Array.from({ length: 4 }, () => identity.flows.countFailure({ kind: 'email_code', id: flowId, maxAttempts: 5 })),
    );
    assert.deepEqual(left.sort(), [1, 2, 3, 4], 'parallel failures each took their own count');
    assert.deepEqual(await identity.flows.get({ kind: 'email_code', id: flowId }), { attempts: 4 });
    assert.equal(await identity.flows.countFailure({ kind: 'email_code', id: flowId, maxAttempts: 5 }), 0);
    assert.equal(await identity.flows.get({ kind: 'email_code', id: flowId }), null, 'the fifth failure deleted it');
    assert.equal(await identity.flows.countFailure({ kind: 'email_code', id: id(), maxAttempts: 5 }), 0);
  });

  it("voids one user's flows of one kind, and no one else's", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const [alices, bobs, other] = [id(), id(), id()];
    const link = (kind: string, flowId: string, userId: string) =>
      identity.flows.replaceForUser({ kind, id: flowId, userId, payload: {}, ttlSeconds: 60 });
    await link('totp_email_recovery', alices, alice);
    await link('totp_email_recovery', bobs, bob);
    await link('password_reset', other, alice);
    assert.equal(await identity.flows.voidForUser({ kind: 'totp_email_recovery', userId: alice }), 1);
    assert.equal(await identity.flows.get({ kind: 'totp_email_recovery', id: alices }), null);
    assert.ok(await identity.flows.get({ kind: 'totp_email_recovery', id: bobs }));
    assert.ok(await identity.flows.get({ kind: 'password_reset', id: other }));
  });

  it("finds a user's flows through an index, with or without their kind", async () => {
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      // A test database holds a handful of flows, where a scan is the cheaper plan; forbid it to see whether an index serves.
      await client.query('SET LOCAL enable_seqscan = off');
      for (const where of ["payload->>'userId' = $1", "kind = $2 AND payload->>'userId' = $1"]) {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN DELETE FROM auth_flows WHERE ${where}`,
          where.includes('$2') ? ['u', 'k'] : ['u'],
        );
        const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        assert.match(plan, /auth_flows_by_user/, plan);
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('finds a user by address only once the address is verified and while the account is enabled', async () => {
    const email = `${randomBytes(6).toString('hex')}@example.test`;
    const { userId } = await identity.users.signUpWithPassword({ email, passwordHash: 'h' });
    assert.equal(await identity.users.findVerified({ email }), null);
    assert.ok(await identity.users.markEmailVerified({ userId, email }));
    assert.deepEqual(await identity.users.findVerified({ email: email.toUpperCase() }), { id: userId, email });
    await admin.query('UPDATE users SET disabled_at = now() WHERE id = $1', [userId]);
    assert.equal(await identity.users.findVerified({ email }), null);
  });

  it("an address is marked verified only while it is still the enabled account's", async () => {
    const email = `${randomBytes(6).toString('hex')}@example.test`;
    const { userId } = await identity.users.signUpWithPassword({ email, passwordHash: 'h' });
    assert.equal(await identity.users.markEmailVerified({ userId, email: `other-${email}` }), false);
    assert.equal(await identity.users.markEmailVerified({ userId: 'not-a-uuid', email }), false);
    assert.equal(await identity.users.markEmailVerified({ userId, email: email.toUpperCase() }), true);
    const { rows } = await admin.query<{ at: Date | null }>('SELECT email_verified_at AS at FROM users WHERE id = $1', [
      userId,
    ]);
    assert.ok(rows[0]?.at);
  });

  it('an expired flow is neither read nor taken', async () => {
    const flowId = id();
    await identity.flows.put({ kind: 'oidc', id: flowId, payload: { a: 1 }, ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await identity.flows.get({ kind: 'oidc', id: flowId }), null);
    assert.equal(await identity.flows.take({ kind: 'oidc', id: flowId }), null);
  });

  it('one TOTP time step is accepted by exactly one of many concurrent requests', async () => {
    const userId = await newUser();
    await identity.totp.savePending({ userId, secretCiphertext: 'k1.a.b.c' });
    assert.ok(
      await identity.totp.activate({
        userId,
        pendingSecretCiphertext: 'k1.a.b.c',
        timeStep: 100,
        recoveryCodeHashes: [],
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 8 }, () => identity.totp.acceptTimeStep({ userId, timeStep: 101 })),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await identity.totp.acceptTimeStep({ userId, timeStep: 100 }), false);
    assert.equal((await identity.totp.find({ userId }))?.lastUsedStep, 101);
  });

  it('activation only promotes the pending secret the caller checked, and replaces the recovery codes', async () => {
    const userId = await newUser();
    await identity.totp.savePending({ userId, secretCiphertext: 'first' });
    await identity.totp.activate({
      userId,
      pendingSecretCiphertext: 'first',
      timeStep: 1,
      recoveryCodeHashes: ['a', 'b'],
    });
    await identity.totp.savePending({ userId, secretCiphertext: 'second' });
    assert.equal(
      await identity.totp.activate({
        userId,
        pendingSecretCiphertext: 'stale',
        timeStep: 2,
        recoveryCodeHashes: ['c'],
      }),
      false,
    );
    assert.equal((await identity.totp.find({ userId }))?.secretCiphertext, 'first');
    assert.ok(
      await identity.totp.activate({
        userId,
        pendingSecretCiphertext: 'second',
        timeStep: 2,
        recoveryCodeHashes: ['c'],
      }),
    );
    assert.deepEqual(await identity.totp.find({ userId }), {
      secretCiphertext: 'second',
      pendingSecretCiphertext: null,
      lastUsedStep: 2,
      locked: false,
    });
    assert.equal(await identity.totp.consumeRecoveryCode({ userId, codeHash: 'a' }), false);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => identity.totp.consumeRecoveryCode({ userId, codeHash: 'c' })),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('the failure that reaches the limit locks the factor, and a lock refuses steps and recovery codes', async () => {
    const userId = await newUser();
    await identity.totp.savePending({ userId, secretCiphertext: 's' });
    await identity.totp.activate({ userId, pendingSecretCiphertext: 's', timeStep: 1, recoveryCodeHashes: ['r'] });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => identity.totp.recordFailure({ userId, maxAttempts: 5, lockoutSeconds: 60 })),
    );
    assert.equal(outcomes.filter(({ locked }) => locked).length, 5 - 4);
    assert.equal((await identity.totp.find({ userId }))?.locked, true);
    assert.equal(await identity.totp.acceptTimeStep({ userId, timeStep: 2 }), false);
    assert.equal(await identity.totp.consumeRecoveryCode({ userId, codeHash: 'r' }), false);
  });

  it('passkeys: a credential id registers once, and the counter moves by compare-and-set', async () => {
    const userId = await newUser();
    const other = await newUser();
    const passkey = {
      userId,
      credentialId: id(),
      publicKey: new Uint8Array([1, 2, 3]),
      signCount: 0,
      transports: ['internal'],
      deviceType: 'singleDevice' as const,
      backedUp: false,
    };
    assert.equal(await identity.passkeys.create(passkey), true);
    assert.equal(await identity.passkeys.create({ ...passkey, userId: other }), false);
    const { createdAt, lastUsedAt, ...found } = (await identity.passkeys.find({
      credentialId: passkey.credentialId,
    })) as NonNullable<Awaited<ReturnType<typeof identity.passkeys.find>>>;
    assert.deepEqual(found, {
      credentialId: passkey.credentialId,
      userId,
      publicKey: new Uint8Array([1, 2, 3]),
      signCount: 0,
      transports: ['internal'],
    });
    assert.ok(createdAt instanceof Date);
    assert.equal(lastUsedAt, null);
    assert.equal((await identity.passkeys.listForUser({ userId: other })).length, 0);
    const moves = await Promise.all(
      Array.from({ length: 5 }, () =>
        identity.passkeys.updateSignCount({
          credentialId: passkey.credentialId,
          userId,
          previousCount: 0,
          newCount: 1,
        }),
      ),
    );
    assert.equal(moves.filter(Boolean).length, 1);
    assert.equal(
      await identity.passkeys.updateSignCount({
        credentialId: passkey.credentialId,
        userId: other,
        previousCount: 1,
        newCount: 2,
      }),
      false,
    );
    assert.ok((await identity.passkeys.find({ credentialId: passkey.credentialId }))?.lastUsedAt instanceof Date);
    assert.equal(await identity.passkeys.remove({ userId: other, credentialId: passkey.credentialId }), false);
    assert.equal(await identity.passkeys.remove({ userId, credentialId: passkey.credentialId }), true);
    assert.equal(await identity.passkeys.find({ credentialId: passkey.credentialId }), null);
  });

  it('TOTP removal takes the recovery codes with it; codes are replaced only while a factor is active', async () => {
    const userId = await newUser();
    const codes = (await admin.query('SELECT 1 FROM recovery_codes WHERE user_id = $1', [userId])).rowCount;
    assert.equal(codes, 0);
    assert.equal(await identity.totp.replaceRecoveryCodes({ userId, recoveryCodeHashes: ['a'] }), false);
    await identity.totp.savePending({ userId, secretCiphertext: 'pending' });
    assert.equal(await identity.totp.replaceRecoveryCodes({ userId, recoveryCodeHashes: ['a'] }), false);
    await identity.totp.activate({
      userId,
      pendingSecretCiphertext: 'pending',
      timeStep: 1,
      recoveryCodeHashes: ['a'],
    });
    assert.equal(await identity.totp.replaceRecoveryCodes({ userId, recoveryCodeHashes: ['b', 'c'] }), true);
    const hashes = async () =>
      (
        await admin.query<{ code_hash: string }>('SELECT code_hash FROM recovery_codes WHERE user_id = $1 ORDER BY 1', [
          userId,
        ])
      ).rows.map(({ code_hash }) => code_hash);
    assert.deepEqual(await hashes(), ['b', 'c']);
    assert.equal(await identity.totp.remove({ userId }), true);
    assert.equal(await identity.totp.find({ userId }), null);
    assert.deepEqual(await hashes(), []);
    assert.equal(await identity.totp.remove({ userId }), false);
  });

  it('OIDC: creates once, links on a verified email only for a trusted provider and an account that proved it, and writes nothing when it may not', async () => {
    const issuer = 'https://idp.example.test';
    const email = `${randomBytes(6).toString('hex')}@example.test`;
    assert.deepEqual(await identity.oidc.signInWithOidc({ issuer, subject: 's0', email, emailVerified: false }), {
      refused: 'unverified_email',
    });
    const created = await identity.oidc.signInWithOidc({ issuer, subject: 's1', email, emailVerified: true });
    assert.ok('outcome' in created && created.outcome === 'created');
    assert.ok(await identity.memberships.defaultTenant({ userId: created.userId }));
    const again = await identity.oidc.signInWithOidc({ issuer, subject: 's1', email: null, emailVerified: false });
    assert.deepEqual(again, { userId: created.userId, outcome: 'existing' });
    // Joining an account by email is each provider's opt-in: by default the holder links it.
    const other = { issuer: 'https://other.example.test', subject: 's1', email, emailVerified: true };
    assert.deepEqual(await identity.oidc.signInWithOidc(other), { refused: 'link_required' });
    const linked = await identity.oidc.signInWithOidc({ ...other, linkByVerifiedEmail: true });
    assert.deepEqual(linked, { userId: created.userId, outcome: 'linked' });
    const { rows } = await admin.query('SELECT 1 FROM oidc_identities WHERE subject = $1', ['s0']);
    assert.equal(rows.length, 0);
  });

  it('OIDC: never joins a password account that did not prove its email, unless its holder links it signed in', async () => {
    const issuer = 'https://idp.example.test';
    const email = `${randomBytes(6).toString('hex')}@example.test`;
    // Whoever signed up first with this address, without proving it (an attacker, perhaps)...
    const squatter = await identity.users.signUpWithPassword({ email, passwordHash: 'not-a-real-hash' });
    assert.ok(squatter.created);
    // ...does not receive the address owner's provider identity.
    assert.deepEqual(await identity.oidc.signInWithOidc({ issuer, subject: 'owner', email, emailVerified: true }), {
      refused: 'unproven_account',
    });
    const bound = await admin.query('SELECT 1 FROM oidc_identities WHERE subject = $1', ['owner']);
    assert.equal(bound.rows.length, 0);
    // The holder, signed in, connects a provider on purpose; it then signs them in.
    const linked = await identity.oidc.signInWithOidc({
      issuer,
      subject: 'holder',
      email: null,
      emailVerified: false,
      linkToUserId: squatter.userId,
    });
    assert.deepEqual(linked, { userId: squatter.userId, outcome: 'linked' });
    assert.deepEqual(
      await identity.oidc.signInWithOidc({ issuer, subject: 'holder', email: null, emailVerified: false }),
      {
        userId: squatter.userId,
        outcome: 'existing',
      },
    );
    // A provider identity already connected elsewhere cannot be taken over by linking.
    const other = await identity.users.signUpWithPassword({ email: `x-${email}`, passwordHash: 'not-a-real-hash' });
    assert.ok(other.created);
    assert.deepEqual(
      await identity.oidc.signInWithOidc({
        issuer,
        subject: 'holder',
        email: null,
        emailVerified: false,
        linkToUserId: other.userId,
      }),
      { refused: 'identity_taken' },
    );
  });

  it('OIDC without createUser: a sign-in that would create a user writes nothing and says so', async () => {
    const issuer = 'https://idp.example.test';
    const local = `ococ-${randomBytes(6).toString('hex')}`;
    const email = `${local}@example.test`;
    const first = { issuer, subject: 'asked', email, emailVerified: true, createUser: false };
    assert.deepEqual(await identity.oidc.signInWithOidc(first), { needsSignUp: true });
    const written = await admin.query('SELECT 1 FROM users WHERE email = $1', [email]);
    assert.equal(written.rows.length, 0);
    const created = await identity.oidc.signInWithOidc({ ...first, createUser: true });
    assert.ok('outcome' in created && created.outcome === 'created');
    // An account that exists answers as it always does, whatever createUser says.
    assert.deepEqual(await identity.oidc.signInWithOidc(first), { userId: created.userId, outcome: 'existing' });
    // A Cyrillic first letter: another address, the same skeleton, so no sign-up to ask about.
    const lookAlike = { ...first, subject: 'look-alike', email: `\u043e${local.slice(1)}@example.test` };
    assert.deepEqual(await identity.oidc.signInWithOidc(lookAlike), { refused: 'look_alike' });
  });

  it('OIDC: an email change, proven by its link, leaves the new address proven', async () => {
    const issuer = 'https://idp.example.test';
    const email = `${randomBytes(6).toString('hex')}@example.test`;
    const created = await identity.oidc.signInWithOidc({ issuer, subject: 'mover', email, emailVerified: true });
    assert.ok('userId' in created);
    const moved = `moved-${email}`;
    assert.deepEqual(await identity.users.changeEmail({ userId: created.userId, from: email, to: moved }), {
      changed: true,
    });
    const third = { issuer: 'https://third.example.test', subject: 'x', email: moved, emailVerified: true };
    assert.deepEqual(await identity.oidc.signInWithOidc({ ...third, linkByVerifiedEmail: true }), {
      userId: created.userId,
      outcome: 'linked',
    });
  });
});
