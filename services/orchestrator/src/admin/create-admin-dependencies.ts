import { createSessionClient } from '@authscale/core';
import { createIdentity } from '@authscale/identity';
import { createApiKeyStore } from '../api-keys/create-api-key-store.ts';
import type { OrchestratorConfig } from '../config.ts';
import { rdsIamAuthTokens } from '../database/rds-iam-auth-tokens.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { createDynamoDbClient } from '../dynamodb/create-dynamodb-client.ts';
import { createRefreshTokenStore } from '../refresh-tokens/create-refresh-token-store.ts';
import { createOperatorKeyStore, type OperatorKeyStore } from './create-operator-key-store.ts';

export type AdminDependencies = Pick<
  OrchestratorDependencies,
  'identity' | 'sessions' | 'refreshTokens' | 'apiKeys'
> & {
  operatorKeys: OperatorKeyStore;
  close(): Promise<void>;
};

/** What the operator commands need, from the orchestrator's configuration: no signing keys, no listener. */
export function createAdminDependencies(config: OrchestratorConfig): AdminDependencies {
  const identity = createIdentity({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    ...(config.DATABASE_IAM_AUTH ? { password: rdsIamAuthTokens({ region: config.AWS_REGION }) } : {}),
    maxConnections: 2,
  });
  const sessions = createSessionClient({
    replicas: config.SESSION_REPLICAS,
    internalToken: config.INTERNAL_API_TOKEN,
  });
  const dynamodb = createDynamoDbClient(config);
  const refreshTokens = createRefreshTokenStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME });
  const apiKeys = createApiKeyStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME });
  return {
    identity,
    sessions,
    refreshTokens,
    operatorKeys: createOperatorKeyStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME }),
    apiKeys,
    async close() {
      dynamodb.destroy();
      await Promise.all([identity.close(), sessions.close()]);
    },
  };
}
