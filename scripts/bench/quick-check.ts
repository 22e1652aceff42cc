import { redisPrimaryKilled, sessionReplicaKilled } from './failover.ts';
import { load } from './load.ts';
import { startLocalStack } from './local-stack.ts';

const stack = await startLocalStack();
try {
  const url = `${stack.state.edgeUrl}/me`;
  const headers = { cookie: stack.cookie };
  const max = await load({ url, headers, seconds: 4 });
  console.log('max', max.requestsPerSecond, max.p99, max.errors);
  const half = Math.round(max.requestsPerSecond / 2);
  const h = await load({ url, headers, seconds: 4, rate: half });
  console.log('half', h.requestsPerSecond, h.p99, h.errors);
  console.log(await sessionReplicaKilled(stack, half));
  console.log(await redisPrimaryKilled(stack, half));
} finally {
  await stack.stop();
}
process.exit(0);
