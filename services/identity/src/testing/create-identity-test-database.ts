import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateIdentitySchema } from '../migrate-identity-schema.ts';
import { provisionIdentityDatabase } from '../provision-database.ts';
import { identityRoles } from '../roles.ts';

export interface IdentityTestDatabase {
  database: string;
  /** The server's superuser on this database. */
  adminUrl: string;
  ownerUrl: string;
  appUrl: string;
  /** As the event dispatcher's role. */
  eventsUrl: string;
  /** As the admin API's role. */
  operatorUrl: string;
  drop(): Promise<void>;
}

function withUserAndDatabase(serverUrl: string, user: string, database: string): string {
  const url = new URL(serverUrl);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A fresh database with the roles provisioned and the migrations applied, for one test file.
 * `serverUrl` is a superuser connection to a throw-away test server.
 */
export async function createIdentityTestDatabase(serverUrl: string): Promise<IdentityTestDatabase> {
  const database = `identity_test_${randomBytes(6).toString('hex')}`;
  await provisionIdentityDatabase({ adminUrl: serverUrl, database });
  const ownerUrl = withUserAndDatabase(serverUrl, identityRoles.owner, database);
  await migrateIdentitySchema({ databaseUrl: ownerUrl });
  return {
    database,
    adminUrl: withUserAndDatabase(serverUrl, new URL(serverUrl).username || 'postgres', database),
    ownerUrl,
    appUrl: withUserAndDatabase(serverUrl, identityRoles.app, database),
    eventsUrl: withUserAndDatabase(serverUrl, identityRoles.events, database),
    operatorUrl: withUserAndDatabase(serverUrl, identityRoles.operator, database),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        // Pools that just ended may still have a backend closing: let it go before FORCE, which
        // would send the closing client a fatal error it no longer listens for.
        for (let attempt = 0; attempt < 40; attempt++) {
          const { rows } = await client.query<{ count: string }>(
            'SELECT count(*) FROM pg_stat_activity WHERE datname = $1',
            [database],
          );
          if (Number(rows[0]?.count) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
