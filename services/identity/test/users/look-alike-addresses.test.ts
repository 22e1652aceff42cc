import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { domainToASCII } from 'node:url';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import { createIdentity, type Identity } from '../../src/index.ts';
import { migrateIdentitySchema } from '../../src/migrate-identity-schema.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';
import { emailSkeleton } from '../../src/users/email-skeleton.ts';

// Every letter of each look-alike is Cyrillic, so no part mixes scripts: only the skeleton tells.
const latin = { local: 'scope@example.com', domain: 'info@scope.com' };
const cyrillic = {
  local: '\u0455\u0441\u043e\u0440\u0435@example.com',
  domain: 'info@\u0455\u0441\u043e\u0440\u0435.com',
};

describe('look-alike addresses (UTS #39 skeletons)', () => {
  let database: IdentityTestDatabase;
  let identity: Identity;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    identity = createIdentity({ databaseUrl: database.appUrl });
  });
  after(async () => {
    await identity.close();
    await database.drop();
  });

  it('look-alike addresses: a whole-script Cyrillic local part or domain has the Latin address skeleton', () => {
    assert.equal(emailSkeleton(cyrillic.local), emailSkeleton(latin.local));
    // The domain as typed, or in the IDNA ASCII form the normaliser stores: the letters a reader sees.
    assert.equal(emailSkeleton(cyrillic.domain), emailSkeleton(latin.domain));
    assert.equal(
      emailSkeleton(`info@${domainToASCII('\u0455\u0441\u043e\u0440\u0435.com')}`),
      emailSkeleton(latin.domain),
    );
    assert.equal(emailSkeleton(' ＳＣＯＰＥ@Example.com '), emailSkeleton(latin.local));
    // A soft hyphen or a zero-width space renders as nothing.
    assert.equal(emailSkeleton('sc\u00adope\u200b@example.com'), emailSkeleton(latin.local));
    // Other addresses stay apart, accents included.
    assert.notEqual(emailSkeleton('scope@example.org'), emailSkeleton(latin.local));
    assert.notEqual(emailSkeleton('b\u00fccher@example.com'), emailSkeleton('bucher@example.com'));
  });

  it('look-alike addresses: a sign-up under a look-alike of an existing address creates nothing', async () => {
    const real = await identity.users.signUpWithPassword({ email: latin.local, passwordHash: 'h' });
    assert.ok(real.created);
    const lookAlike = await identity.users.signUpWithPassword({ email: cyrillic.local, passwordHash: 'h' });
    // As for the address itself: the caller answers as if created and audits against the holder.
    assert.deepEqual(lookAlike, { created: false, userId: real.userId });
    assert.equal(await identity.users.findPasswordLogin({ email: cyrillic.local }), null);
    assert.equal(await identity.users.findEmailHolder({ email: cyrillic.local }), real.userId);
  });

  it('look-alike addresses: concurrent sign-ups of two look-alikes create exactly one account', async () => {
    const results = await Promise.all(
      [latin.domain, cyrillic.domain].map((email) => identity.users.signUpWithPassword({ email, passwordHash: 'h' })),
    );
    assert.equal(results.filter((result) => result.created).length, 1);
    assert.equal(new Set(results.map((result) => result.userId)).size, 1);
  });

  it('look-alike addresses: an email change to a look-alike of another account is taken', async () => {
    const holder = await identity.users.signUpWithPassword({ email: 'coco@example.com', passwordHash: 'h' });
    const mover = await identity.users.signUpWithPassword({ email: 'mover@example.com', passwordHash: 'h' });
    const lookAlike = '\u0441\u043e\u0441\u043e@example.com';
    assert.deepEqual(
      await identity.users.changeEmail({ userId: mover.userId, from: 'mover@example.com', to: lookAlike }),
      {
        changed: false,
        reason: 'taken',
        existingUserId: holder.userId,
      },
    );
    assert.equal((await identity.users.get({ userId: mover.userId }))?.email, 'mover@example.com');
  });

  it('look-alike addresses: a provider cannot open an account under a look-alike of another account', async () => {
    const real = await identity.users.signUpWithPassword({ email: 'pepe@example.net', passwordHash: 'h' });
    assert.ok(real.created);
    const outcome = await identity.oidc.signInWithOidc({
      issuer: 'https://idp.example.com',
      subject: 'look-alike',
      email: '\u0440\u0435\u0440\u0435@example.net',
      emailVerified: true,
    });
    assert.deepEqual(outcome, { refused: 'look_alike' });
  });

  it('gives existing accounts their skeletons, oldest first; a later look-alike keeps none', async () => {
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    try {
      // As before the migration: the column gone (each migration from it on undone by its own
      // `down`, as node-pg-migrate applies them in order), and accounts only the skeleton tells apart.
      const undone = await migrateIdentitySchema({
        databaseUrl: database.ownerUrl,
        direction: 'down',
        downThrough: '1764600000000_email-skeleton',
      });
      assert.equal(undone.at(-1), '1764600000000_email-skeleton');
      const later = '\u0445\u0430\u0445\u0430@example.org';
      await owner.query(
        `INSERT INTO users (email, created_at) VALUES
           ('xaxa@example.org', now() - interval '3 days'), ('legacy@example.org', now() - interval '2 days'),
           ($1, now() - interval '1 day')`,
        [later],
      );
      assert.deepEqual(await migrateIdentitySchema({ databaseUrl: database.ownerUrl }), undone.toReversed());
      const skeletons = await owner.query<{ email: string; email_skeleton: string | null }>(
        `SELECT email, email_skeleton FROM users WHERE email LIKE '%@example.org'`,
      );
      const byEmail = Object.fromEntries(skeletons.rows.map((row) => [row.email, row.email_skeleton]));
      assert.equal(byEmail['xaxa@example.org'], emailSkeleton('xaxa@example.org'));
      assert.equal(byEmail['legacy@example.org'], emailSkeleton('legacy@example.org'));
      assert.equal(byEmail[later], null);
      // Every other account, from the tests above too, has its skeleton, and the index holds again.
      const missing = await owner.query('SELECT email FROM users WHERE email_skeleton IS NULL');
      assert.deepEqual(missing.rows, [{ email: later }]);
      const another = await identity.users.signUpWithPassword({
        email: 'x\u0430x\u0430@example.org',
        passwordHash: 'h',
      });
      assert.equal(another.created, false);
    } finally {
      await owner.end();
    }
  });
});
