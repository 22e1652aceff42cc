import { insecureLocalHttpSessionCookieName } from '@authscale/core';
import { type StackState, stackStateFile } from '@authscale/testkit';
import { onImageNode } from '../image-node.ts';
import { spawnStack } from '../stack/spawn-stack.ts';

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
    const email = `bench-${Date.now()}@example.test`;
    const password = 'bench correct horse battery staple';
    const post = (path: string) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email, password }),
      });
    const signup = await post('/auth/signup');
    if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
    const login = await post('/auth/login');
    const token = login.headers
      .getSetCookie()
      .map((header) => header.split(';')[0] as string)
      .find((pair) => pair.includes('authscale_session='))
      ?.split('=')[1];
    if (!token) throw new Error(`login answered ${login.status} without a session cookie`);
    // The stack serves plain HTTP, where the edge reads the cookie under its local name.
    const cookie = `${insecureLocalHttpSessionCookieName}=${token}`;
    const me = await fetch(`${origin}/me`, { headers: { cookie } });
    if (!me.ok) throw new Error(`GET /me answered ${me.status}`);
    const { user } = (await me.json()) as { user: { id: string } };
    return { state, cookie, userId: user.id, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
