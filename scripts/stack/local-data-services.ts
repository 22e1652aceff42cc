import { randomBytes } from 'node:crypto';
import { identityRoles, migrateIdentitySchema, provisionIdentityDatabase } from '@authscale/identity';
import { createRefreshTokenTable } from '@authscale/orchestrator';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const localDatabaseName = 'authscale';
export const localTokenTableName = 'authscale-tokens';

/** Where a local topology's services find their data (`Topology`'s fields of the same names). */
export interface LocalData {
  /** The application role's connection string, the one the services' requests use. */
  databaseUrl: string;
  /** The event dispatcher role's connection string. */
  eventsDatabaseUrl: string;
  /** The admin API role's connection string. */
  operatorDatabaseUrl: string;
  dynamodbEndpoint: string;
  tokenTableName: string;
}

/**
 * Does locally what the deployment does in AWS: creates the database and its roles, runs the
 * identity migrations as the owner role, and creates the token table.
 */
export async function provisionLocalData({
  adminUrlFor,
  dynamodbEndpoint,
  rolePassword,
}: {
  adminUrlFor: (database: string, user?: string) => string;
  dynamodbEndpoint: string;
  /** For servers that require passwords; the throw-away test server trusts loopback. */
  rolePassword?: string;
}): Promise<LocalData> {
  await provisionIdentityDatabase({
    adminUrl: adminUrlFor('postgres'),
    database: localDatabaseName,
    ...(rolePassword
      ? {
          ownerPassword: rolePassword,
          appPassword: rolePassword,
          eventsPassword: rolePassword,
          operatorPassword: rolePassword,
        }
      : {}),
  });
  await migrateIdentitySchema({ databaseUrl: adminUrlFor(localDatabaseName, identityRoles.owner) });
  const client = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createRefreshTokenTable({ client, tableName: localTokenTableName });
  client.destroy();
  return {
    databaseUrl: adminUrlFor(localDatabaseName, identityRoles.app),
    eventsDatabaseUrl: adminUrlFor(localDatabaseName, identityRoles.events),
    operatorDatabaseUrl: adminUrlFor(localDatabaseName, identityRoles.operator),
    dynamodbEndpoint,
    tokenTableName: localTokenTableName,
  };
}

/** A new internal API token and TOTP key, for a topology whose data lives no longer than the run. */
export const freshLocalSecrets = () => ({
  internalToken: randomBytes(32).toString('base64url'),
  totpEncryptionKey: randomBytes(32).toString('base64url'),
});
