import { identityRoles, migrateIdentitySchema, provisionIdentityDatabase } from '@authscale/identity';
import { createRefreshTokenTable } from '@authscale/orchestrator';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const localDatabaseName = 'authscale';
export const localTokenTableName = 'authscale-tokens';

/**
 * Does locally what the deployment does in AWS: creates the database and its two roles, runs the
 * identity migrations as the owner role, and creates the token table. Returns the application
 * role's connection string, the only one the services get.
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
}): Promise<{ databaseUrl: string }> {
  await provisionIdentityDatabase({
    adminUrl: adminUrlFor('postgres'),
    database: localDatabaseName,
    ...(rolePassword ? { ownerPassword: rolePassword, appPassword: rolePassword } : {}),
  });
  await migrateIdentitySchema({ databaseUrl: adminUrlFor(localDatabaseName, identityRoles.owner) });
  const client = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createRefreshTokenTable({ client, tableName: localTokenTableName });
  client.destroy();
  return { databaseUrl: adminUrlFor(localDatabaseName, identityRoles.app) };
}
