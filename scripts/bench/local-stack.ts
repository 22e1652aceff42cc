import { type StackState, stackStateFile } from '@authscale/testkit';
import { onImageNode } from '../image-node.ts';
import { spawnStack } from '../stack/spawn-stack.ts';
import { signInThroughEdge } from './edge/sign-in-through-edge.ts';

export interface LocalStack {
  state: StackState;
  /** A signed-in user: the Cookie header for the edge, and the user's id. */
  cookie: string;
  userId: string;
  stop(): Promise<void>;
}

/**
 * Starts `npm run stack` (every service its own process, the real Redis Cluster and Postgres)
 * and signs one user up and in through the edge. The per-IP request limit is raised so one load
 * generator on one address is not throttled; the limiter still runs on every request. Without
 * `edgeNearCache` the edge asks a session replica on every request (the failover runs want that).
 */
export async function startLocalStack({ edgeNearCache = true, redisReplicasPerPrimary = 1 } = {}): Promise<LocalStack> {
  const { stop } = await spawnStack({
    env: {
      // As deployed: a request served well logs nothing at info, so the figures include logging.
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_IP_MAX: '1000000000',
      EDGE_NEAR_CACHE: edgeNearCache ? 'on' : 'off',
      REDIS_REPLICAS_PER_PRIMARY: String(redisReplicasPerPrimary),
      // On the image's Node, the services start as their image starts them.
      ...(onImageNode() ? { STACK_RUNTIME: 'image' } : {}),
    },
  });
  try {
    const state = stackStateFile().read();
    const origin = state.edgeUrl;
    // The stack serves plain HTTP, so the cookie comes under its local name, as the edge reads it there.
    const { cookie } = await signInThroughEdge({ edgeUrl: origin, origin });
    const me = await fetch(`${origin}/me`, { headers: { cookie } });
    if (!me.ok) throw new Error(`GET /me answered ${me.status}`);
    const { user } = (await me.json()) as { user: { id: string } };
    return { state, cookie, userId: user.id, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
