import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresServer, RedisServer } from '@authscale/testkit';
import { startScript } from '../load.ts';
import { peerCacheDir } from './peer-cache.ts';
import { rssMiB } from './process-memory.ts';
import { cookiesOf, medianSignIn, mergeCookies } from './sign-ins.ts';
import type { StartedTarget } from './started-target.ts';

/** The versions measured, pinned: a figure names what it measured. */
export const betterAuthPackages = { 'better-auth': '1.7.29', pg: '8.23.1', redis: '6.4.0' };

/**
 * better-auth's password hash, from its source (`@better-auth/utils`, `password.node`): scrypt
 * through `node:crypto` on libuv's thread pool.
 */
export const betterAuthHashing = 'scrypt N=16384, r=16, p=1, 64-byte key (16 MiB)';

export type BetterAuthMode = 'database' | 'cookie-cache' | 'secondary-storage';

/**
 * Installs the pinned packages with npm into their own directory under the peer cache (not the
 * workspace, not its lockfile), unless they are there already. Returns the directory.
 */
export function installBetterAuth(): string {
  const dir = join(peerCacheDir(), 'better-auth');
  const installed = (name: string) => {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version;
  };
  if (Object.entries(betterAuthPackages).every(([name, version]) => installed(name) === version)) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  const specs = Object.entries(betterAuthPackages).map(([name, version]) => `${name}@${version}`);
  console.error(`[bench:peers] npm install ${specs.join(' ')} into ${dir}`);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...specs], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (npm.status !== 0) throw new Error(`npm install of better-auth failed (exit ${npm.status})`);
  return dir;
}

/**
 * One better-auth server (its own process, ./better-auth-server.ts) in `mode`, a user signed up
 * and signed in through it (the sign-in timed), and its "who is this session" request:
 * `GET /api/auth/get-session` with the session's cookies.
 */
export async function startBetterAuth({
  dir,
  mode,
  postgres,
  redis,
}: {
  dir: string;
  mode: BetterAuthMode;
  postgres: PostgresServer;
  redis: RedisServer;
}): Promise<StartedTarget> {
  const server = await startScript('./peers/better-auth-server.ts', {
    BETTER_AUTH_DIR: dir,
    BETTER_AUTH_MODE: mode,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    // As deployed; it changes no figure here, but a production server runs so.
    NODE_ENV: 'production',
  });
  try {
    const credentials = {
      name: 'Bench',
      email: `bench-${randomUUID()}@example.test`,
      password: `bench ${randomUUID()}`,
    };
    const post = (path: string, body: object) =>
      fetch(`${server.url}/api/auth${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify(body),
      });
    const signUp = await post('/sign-up/email', credentials);
    if (!signUp.ok) throw new Error(`better-auth sign-up answered ${signUp.status}: ${await signUp.text()}`);
    const { ms, last } = await medianSignIn(async () => {
      const signIn = await post('/sign-in/email', { email: credentials.email, password: credentials.password });
      if (!signIn.ok) throw new Error(`better-auth sign-in answered ${signIn.status}: ${await signIn.text()}`);
      return cookiesOf(signIn);
    });
    // The first get-session sets the cookie cache where the sign-in did not; a browser keeps it.
    const first = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie: last } });
    const cookie = mergeCookies(last, cookiesOf(first));
    const session = (await first.json()) as { user?: { email?: string } } | null;
    if (session?.user?.email !== credentials.email) {
      throw new Error(`better-auth get-session did not find the session: ${JSON.stringify(session)}`);
    }
    return {
      url: `${server.url}/api/auth/get-session`,
      headers: { cookie },
      tiers: { server: { pid: server.pid } },
      signInMs: ms,
      memory: () => ({
        server: rssMiB([server.pid]),
        stores: rssMiB([postgres.pid, ...(mode === 'secondary-storage' ? [redis.pid] : [])], { withDescendants: true }),
      }),
      stop: server.stop,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
