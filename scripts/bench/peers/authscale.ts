import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionCookieOf } from '../edge/sign-in-through-edge.ts';
import { startScript } from '../load.ts';
import { startLocalStack } from '../local-stack.ts';
import { rssMiB } from './process-memory.ts';
import { medianSignIn } from './sign-ins.ts';
import type { StartedTarget } from './started-target.ts';

/** authscale's password hash (services/orchestrator/src/passwords/password-hashing.ts, docs/security.md). */
export const authscaleHashing = 'Argon2id, 19 MiB, 2 passes, parallelism 1';

/** Signs a fresh user up through the edge, then in (timed): the session cookie and the median ms. */
async function signUpAndIn({ edgeUrl, origin }: { edgeUrl: string; origin: string }) {
  const credentials = { email: `bench-${randomUUID()}@example.test`, password: `bench ${randomUUID()}` };
  const post = (path: string) =>
    fetch(`${edgeUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(credentials),
    });
  const signup = await post('/auth/signup');
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
  const { ms, last } = await medianSignIn(async () => {
    const login = await post('/auth/login');
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const cookie = sessionCookieOf(login);
    if (!cookie) throw new Error('login answered 200 without a session cookie');
    return cookie;
  });
  return { cookie: last, signInMs: ms };
}

/**
 * `npm start` as `npm run bench:start` runs it: one process (edge, a session replica with
 * sessions in memory, the orchestrator) with its embedded PostgreSQL and the DynamoDB emulator as
 * its children, in a directory of its own; only the per-IP limit raised.
 */
export async function startOneProcess(): Promise<StartedTarget> {
  const workDir = mkdtempSync(join(tmpdir(), 'authscale-bench-peers-'));
  // Run as root, `npm start` hands its database directory to the `postgres` user, who must reach it.
  chmodSync(workDir, 0o755);
  const platform = await startScript('../start.ts', { RATE_LIMIT_PER_IP_MAX: '1000000000' }, { cwd: workDir });
  const stop = async () => {
    await platform.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const { cookie, signInMs } = await signUpAndIn({
      edgeUrl: platform.url,
      origin: `http://localhost:${platform.port}`,
    });
    return {
      url: `${platform.url}/me`,
      headers: { cookie },
      tiers: { process: { pid: platform.pid } },
      signInMs,
      memory: () => {
        const all = rssMiB([platform.pid], { withDescendants: true });
        const server = rssMiB([platform.pid]);
        return { server, stores: all === null || server === null ? null : all - server };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The service processes of `npm run stack`; the rest are its data stores. */
const serviceRoles = new Set(['edge', 'session', 'orchestrator', 'webhook-dispatcher', 'admin-api']);

/**
 * `npm run stack` as `npm run bench` runs it (every service its own process, a Redis Cluster,
 * Postgres and the DynamoDB emulator), the edge's near cache on, the per-IP limit raised.
 */
export async function startStack(): Promise<StartedTarget> {
  // On a busy machine a service can miss the stack's start-up deadline; one more try.
  const stack = await startLocalStack().catch(() => startLocalStack());
  try {
    const { state } = stack;
    const { cookie, signInMs } = await signUpAndIn({ edgeUrl: state.edgeUrl, origin: state.edgeUrl });
    const pids = (services: boolean) =>
      state.processes.filter((process) => serviceRoles.has(process.role) === services).map((process) => process.pid);
    const path = (role: string) => state.processes.find((process) => process.role === role)?.pid ?? -1;
    return {
      url: `${state.edgeUrl}/me`,
      headers: { cookie },
      tiers: { edge: { pid: path('edge') }, session: { pid: path('session') } },
      signInMs,
      memory: () => ({
        server: rssMiB(pids(true)),
        stores: rssMiB(pids(false), { withDescendants: true }),
      }),
      stop: stack.stop,
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
