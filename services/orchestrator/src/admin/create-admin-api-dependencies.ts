import { createSessionClient } from '@authscale/core';
import { createIdentity } from '@authscale/identity';
import { createApiKeyStore } from '../api-keys/create-api-key-store.ts';
import { rdsIamAuthTokens } from '../database/rds-iam-auth-tokens.ts';
import { createDynamoDbClient } from '../dynamodb/create-dynamodb-client.ts';
import { mailerFromConfig } from '../mail/mail-transport-from-config.ts';
import { createRefreshTokenStore } from '../refresh-tokens/create-refresh-token-store.ts';
import type { AdminApiConfig } from './admin-api-config.ts';
import type { AdminApiDependencies } from './admin-dependencies.ts';
import { createOperatorKeyStore } from './create-operator-key-store.ts';

/** The admin API's clients, from its configuration: a small pool, operators are few. */
export function createAdminApiDependencies(config: AdminApiConfig): AdminApiDependencies {
  const identity = createIdentity({
    ...(config.OPERATOR_DATABASE_URL ? { databaseUrl: config.OPERATOR_DATABASE_URL } : {}),
    ...(config.DATABASE_IAM_AUTH ? { password: rdsIamAuthTokens({ region: config.AWS_REGION }) } : {}),
    maxConnections: 4,
  });
  const sessions = createSessionClient({ replicas: config.SESSION_REPLICAS, internalToken: config.INTERNAL_API_TOKEN });
  const dynamodb = createDynamoDbClient(config);
  const mail = mailerFromConfig(config);
  return {
    identity,
    sessions,
    refreshTokens: createRefreshTokenStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME }),
    apiKeys: createApiKeyStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME }),
    operatorKeys: createOperatorKeyStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME }),
    mail,
    async close() {
      await mail.close();
      dynamodb.destroy();
      await Promise.all([identity.close(), sessions.close()]);
    },
  };
}
