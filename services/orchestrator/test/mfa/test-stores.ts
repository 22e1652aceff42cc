import { createIdentity } from '@authscale/identity';
import { createIdentityTestDatabase } from '@authscale/identity/testing';
import { sharedServers } from '@authscale/testkit';
import pg from 'pg';
import type { FlowStore } from '../../src/mfa/flow-store.ts';
import type { OidcAccounts } from '../../src/oidc/oidc-accounts.ts';
import type { PasskeyStore } from '../../src/passkeys/passkey-store.ts';
import type { TotpStore } from '../../src/totp/totp-store.ts';

/**
 * The ceremony stores as production builds them: the identity module over a fresh database on
 * the shared test Postgres. `users` creates rows the ceremonies can refer to; `userIdByEmail`
 * reads as the superuser, to prove what was or was not written.
 */
export async function createTestStores() {
  const database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
  const identity = createIdentity({ databaseUrl: database.appUrl });
  const admin = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  const flows: FlowStore = identity.flows;
  const passkeys: PasskeyStore = identity.passkeys;
  const totp: TotpStore = identity.totp;
  const accounts: OidcAccounts = identity.oidc;
  return {
    identity,
    flows,
    passkeys,
    totp,
    accounts,
    /** A new user (with a personal tenant) to hang credentials on. */
    async newUser(): Promise<string> {
      const email = `user-${Math.random().toString(36).slice(2)}@example.test`;
      const result = await identity.users.signUpWithPassword({ email, passwordHash: 'unused' });
      return result.userId;
    },
    async userIdByEmail(email: string): Promise<string | null> {
      const { rows } = await admin.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
      return rows[0]?.id ?? null;
    },
    async close() {
      await identity.close();
      await admin.end();
      await database.drop();
    },
  };
}
