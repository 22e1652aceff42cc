import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The token table's client, from a process's settings. The SDK sets no deadline of its own: a
 * connection that stops answering would hold a sign-in or a refresh (and its pooled socket) past
 * the edge's 5 s wait, for good.
 */
export function createDynamoDbClient(config: { AWS_REGION: string; DYNAMODB_ENDPOINT?: string | undefined }) {
  return new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
}
