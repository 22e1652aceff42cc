import { load } from '../load.ts';
import { type LocalStack, startLocalStack } from '../local-stack.ts';

/**
 * Runs one failure against a stack of its own at half that stack's max rate. With its near cache
 * on, the edge answers a seen session without any replica, and a replica's death would go
 * unnoticed: the failover runs turn it off so every request reaches a replica. Each failure gets a
 * fresh stack, so each run measures one failure, not one on top of the other.
 */
export async function underOneFailure<T>(failure: (stack: LocalStack, rate: number) => Promise<T>) {
  // Two replicas per primary, as prod runs: the promoted replica keeps one to acknowledge writes.
  const settings = { edgeNearCache: false, redisReplicasPerPrimary: 2 };
  const stack = await startLocalStack(settings).catch(() => startLocalStack(settings));
  try {
    const url = `${stack.state.edgeUrl}/me`;
    const headers = { cookie: stack.cookie };
    await load({ url, headers, seconds: 2 }); // warm-up
    const max = await load({ url, headers, seconds: 5 });
    return await failure(stack, Math.max(1, Math.round(max.requestsPerSecond / 2)));
  } finally {
    await stack.stop();
  }
}
