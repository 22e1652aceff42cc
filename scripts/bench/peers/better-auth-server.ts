/**
 * better-auth as its documentation mounts it on plain Node: `toNodeHandler(auth)` on an `http`
 * server, email and password sign-in, sessions in Postgres. `BETTER_AUTH_MODE` picks the
 * configuration measured: `database` (every `get-session` reads Postgres), `cookie-cache` (the
 * session is also signed into a cookie for `cookieCache.maxAge`, default 5 minutes) or
 * `secondary-storage` (sessions in Redis). better-auth is installed outside the repository's
 * workspace (`BETTER_AUTH_DIR`, see ./better-auth.ts) and loaded from there. Prints `ready`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { BETTER_AUTH_DIR, BETTER_AUTH_MODE, DATABASE_URL, REDIS_URL, PORT } = process.env;
if (!BETTER_AUTH_DIR || !BETTER_AUTH_MODE || !DATABASE_URL || !PORT) {
  throw new Error('BETTER_AUTH_DIR, BETTER_AUTH_MODE, DATABASE_URL and PORT are required');
}
const fromPeerDir = createRequire(join(BETTER_AUTH_DIR, 'package.json'));
// biome-ignore lint/suspicious/noExplicitAny: the peer's packages are not in the workspace, so untyped here.
const load = async (specifier: string): Promise<any> => import(pathToFileURL(fromPeerDir.resolve(specifier)).href);

const { betterAuth } = await load('better-auth');
const { toNodeHandler } = await load('better-auth/node');
const { getMigrations } = await load('better-auth/db/migration');
const pg = await load('pg');
const { Pool } = pg.default ?? pg;

/** better-auth's `SecondaryStorage` on one Redis, as its documentation's example does with node-redis. */
async function redisStorage(url: string) {
  const { createClient } = await load('redis');
  const client = createClient({ url });
  await client.connect();
  return {
    get: (key: string) => client.get(key),
    getAndDelete: (key: string) => client.getDel(key),
    async increment(key: string, ttl: number) {
      const value: number = await client.incr(key);
      if (value === 1) await client.expire(key, ttl);
      return value;
    },
    set: (key: string, value: string, ttl?: number) => (ttl ? client.setEx(key, ttl, value) : client.set(key, value)),
    delete: (key: string) => client.del(key),
  };
}

const baseURL = `http://127.0.0.1:${PORT}`;
const options = {
  baseURL,
  secret: randomBytes(32).toString('hex'),
  database: new Pool({ connectionString: DATABASE_URL }),
  emailAndPassword: { enabled: true },
  // One load generator is one client address; authscale's per-IP limit is raised the same way.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  ...(BETTER_AUTH_MODE === 'cookie-cache' ? { session: { cookieCache: { enabled: true } } } : {}),
  ...(BETTER_AUTH_MODE === 'secondary-storage'
    ? { secondaryStorage: await redisStorage(REDIS_URL ?? 'redis://127.0.0.1:6379') }
    : {}),
};
if (!['database', 'cookie-cache', 'secondary-storage'].includes(BETTER_AUTH_MODE)) {
  throw new Error(`unknown BETTER_AUTH_MODE ${BETTER_AUTH_MODE}`);
}
// Creates the user, session, account and verification tables the first time; a no-op after.
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
createServer(toNodeHandler(auth)).listen(Number(PORT), '127.0.0.1', () => console.log('ready'));
