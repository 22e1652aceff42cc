import { randomBytes } from 'node:crypto';
import { insecureLocalHttpSessionCookieName } from '@authscale/core';
import { identityRoles } from '@authscale/identity';
import type { StackState } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localTokenTableName } from '../stack/local-data-services.ts';
import { type SeededUser, seedUsers } from './seed-users.ts';

/**
 * Seeds the stack `npm run stack` recorded in `state`: its Postgres as the application role, its
 * Redis Cluster with the session settings of this environment (the stack passes the same to the
 * replicas), its DynamoDB emulator, and the plain-HTTP cookie name the local edge reads.
 */
export async function seedLocalStack({
  state,
  count,
  password,
}: {
  state: StackState;
  count: number;
  password: string;
}): Promise<SeededUser[]> {
  const find = (role: string) => {
    const entry = state.processes.find((process) => process.role === role);
    if (!entry?.url) throw new Error(`the stack records no ${role} URL`);
    return entry.url;
  };
  const appUrl = new URL(find('postgres'));
  appUrl.username = identityRoles.app;
  const redisUrls = state.processes
    .filter((process) => process.role === 'redis-primary' || process.role === 'redis-replica')
    .map((process) => `redis://127.0.0.1:${process.port}`);
  const dynamodb = new DynamoDBClient({
    endpoint: find('dynamodb'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await seedUsers({
      count,
      password,
      databaseUrl: appUrl.toString(),
      sessionEnv: {
        ...process.env,
        SESSION_BACKEND: 'redis-cluster',
        REDIS_CLUSTER_URLS: redisUrls.join(','),
        LOG_LEVEL: 'silent',
        // The config refuses to load without one; the seeder serves nothing, so a throw-away value.
        INTERNAL_API_TOKEN: randomBytes(32).toString('base64url'),
      },
      dynamodb,
      tokenTableName: localTokenTableName,
      cookieName: insecureLocalHttpSessionCookieName,
    });
  } finally {
    dynamodb.destroy();
  }
}
