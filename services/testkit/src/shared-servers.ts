import { startDynamoDb } from './dynamodb.ts';
import { startPostgres } from './postgres.ts';
import { startRedis, startRedisCluster } from './redis.ts';

/** Where the servers shared by one test run listen. Serialisable, so it can cross processes. */
export interface SharedServers {
  postgres: { url: string; host: string; port: number; pid: number };
  redis: { url: string; port: number; pid: number };
  redisCluster: { urls: string[]; nodes: { host: string; port: number; pid: number }[] };
  dynamodb: { endpoint: string };
}

export const sharedServersEnv = 'AUTHSCALE_TEST_SERVERS';

/** Starts one of each server and returns their addresses plus a function that stops them all. */
export async function startSharedServers(): Promise<{ servers: SharedServers; stop: () => Promise<void> }> {
  const [postgres, redis, redisCluster, dynamodb] = await Promise.all([
    startPostgres(),
    startRedis(),
    startRedisCluster(),
    startDynamoDb(),
  ]);
  return {
    servers: {
      postgres: { url: postgres.url, host: postgres.host, port: postgres.port, pid: postgres.pid },
      redis: { url: redis.url, port: redis.port, pid: redis.pid },
      redisCluster: {
        urls: redisCluster.urls,
        nodes: redisCluster.nodes.map(({ host, port, pid }) => ({ host, port, pid })),
      },
      dynamodb: { endpoint: dynamodb.endpoint },
    },
    stop: async () => {
      await Promise.allSettled([postgres.stop(), redis.stop(), redisCluster.stop(), dynamodb.stop()]);
    },
  };
}

let local: Promise<SharedServers> | undefined;

/**
 * The servers shared by this test run. `npm test` starts them once for all test files; a test
 * file run on its own starts its own set, which the harness stops when the process exits.
 */
export function sharedServers(): Promise<SharedServers> {
  const fromRunner = process.env[sharedServersEnv];
  if (fromRunner) return Promise.resolve(JSON.parse(fromRunner) as SharedServers);
  local ??= startSharedServers().then(({ servers, stop }) => {
    process.once('beforeExit', () => void stop());
    return servers;
  });
  return local;
}
