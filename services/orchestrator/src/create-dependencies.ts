import { createSessionClient } from '@authscale/core';
import { createIdentity } from '@authscale/identity';
import { createApiKeyStore } from './api-keys/create-api-key-store.ts';
import type { OrchestratorConfig } from './config.ts';
import { rdsIamAuthTokens } from './database/rds-iam-auth-tokens.ts';
import type { OrchestratorDependencies } from './dependencies.ts';
import { createDynamoDbClient } from './dynamodb/create-dynamodb-client.ts';
import { createLoginThrottle } from './login-throttle/create-login-throttle.ts';
import { mailerFromConfig } from './mail/mail-transport-from-config.ts';
import { createRefreshTokenStore } from './refresh-tokens/create-refresh-token-store.ts';
import { signingKeysFromConfig } from './tokens/signing-keys-from-config.ts';

/** Builds the orchestrator's clients from its configuration, once, at start-up. */
export async function createOrchestratorDependencies(
  config: OrchestratorConfig,
  { warn }: { warn?: (message: string) => void } = {},
): Promise<OrchestratorDependencies> {
  const signingKeys = await signingKeysFromConfig(config, warn);
  const identity = createIdentity({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    ...(config.DATABASE_IAM_AUTH ? { password: rdsIamAuthTokens({ region: config.AWS_REGION }) } : {}),
    maxConnections: config.DATABASE_POOL_SIZE,
  });
  const sessions = createSessionClient({
    replicas: config.SESSION_REPLICAS,
    internalToken: config.INTERNAL_API_TOKEN,
    // A create may wait out a Redis failover on the replica (2.5 s), so each call keeps 3 s; a
    // read's retries stop starting after 1 s, so any call ends within 4 s, inside the edge's 5 s.
    timeoutMs: 3_000,
    readBudgetMs: 1_000,
  });
  const dynamodb = createDynamoDbClient(config);
  const refreshTokens = createRefreshTokenStore({
    client: dynamodb,
    tableName: config.TOKEN_TABLE_NAME,
    familyLifetimeSeconds: config.REFRESH_TOKEN_LIFETIME_SECONDS,
    graceSeconds: config.REFRESH_TOKEN_GRACE_SECONDS,
  });
  const apiKeys = createApiKeyStore({ client: dynamodb, tableName: config.TOKEN_TABLE_NAME });
  const loginThrottle = createLoginThrottle({
    client: dynamodb,
    tableName: config.TOKEN_TABLE_NAME,
    freeAttempts: config.LOGIN_FREE_ATTEMPTS,
    accountFreeAttempts: config.LOGIN_ACCOUNT_FREE_ATTEMPTS,
    maxDelaySeconds: config.LOGIN_MAX_DELAY_SECONDS,
  });
  const mail = mailerFromConfig(config);
  return {
    identity,
    mail,
    sessions,
    refreshTokens,
    apiKeys,
    loginThrottle,
    signingKeys,
    async close() {
      await mail.close();
      dynamodb.destroy();
      await Promise.all([identity.close(), sessions.close()]);
    },
  };
}
