import { createOperatorKeyStore, operatorScopes } from '@authscale/orchestrator';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A key with every operator scope, for the developer who started this local run: the admin API's
 * first key, which a deployment mints with the `create-operator-key` command instead. It lives a
 * day, and the data it opens no longer than the run.
 */
export async function mintLocalOperatorKey({
  dynamodbEndpoint,
  tokenTableName,
}: {
  dynamodbEndpoint: string;
  tokenTableName: string;
}): Promise<string> {
  const client = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const store = createOperatorKeyStore({ client, tableName: tokenTableName });
    const { key } = await store.create({ operator: 'local developer', scopes: [...operatorScopes], expiresInDays: 1 });
    return key;
  } finally {
    client.destroy();
  }
}
