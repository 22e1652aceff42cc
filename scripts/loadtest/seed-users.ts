import { randomUUID } from 'node:crypto';
import { createIdentity } from '@authscale/identity';
import { createSessions, loadSessionConfig, openSessionStore } from '@authscale/session';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { hashPassword } from '../../services/orchestrator/src/passwords/password-hashing.ts';
import { createRefreshTokenStore } from '../../services/orchestrator/src/refresh-tokens/create-refresh-token-store.ts';

/** One entry of the seed file the k6 profiles read (`load-tests/lib/users.js`). */
export interface SeededUser {
  email: string;
  userId: string;
  /** The Cookie header of the user's live session. */
  cookie: string;
  refreshToken: string;
}

export interface SeedUsersOptions {
  count: number;
  /** Every seeded user's password, hashed once: the profiles sign in with it. */
  password: string;
  /** The identity database, as the application role (what the orchestrator connects with). */
  databaseUrl: string;
  /** The session replicas' settings (SESSION_BACKEND, REDIS_CLUSTER_URLS, SESSION_KEY_PREFIX, TTLs...). */
  sessionEnv: Record<string, string | undefined>;
  dynamodb: DynamoDBClient;
  tokenTableName: string;
  /** The session cookie's name where the profiles will run (plain-HTTP local name, or `__Host-` behind TLS). */
  cookieName: string;
  /** Users written at once: each is a transaction, a session write and two DynamoDB puts. @default 32 */
  concurrency?: number;
}

/**
 * Creates `count` users with a live session and a refresh token each, without the HTTP sign-up and
 * sign-in (and their Argon2 per request): the rows through the identity module's own sign-up, the
 * session through the session library's create over the configured store, the refresh family
 * through the orchestrator's token store. What a sign-in would leave behind, in bulk.
 */
export async function seedUsers({
  count,
  password,
  databaseUrl,
  sessionEnv,
  dynamodb,
  tokenTableName,
  cookieName,
  concurrency = 32,
}: SeedUsersOptions): Promise<SeededUser[]> {
  const sessionConfig = loadSessionConfig(sessionEnv);
  const identity = createIdentity({ databaseUrl, maxConnections: concurrency });
  const store = await openSessionStore(sessionConfig);
  const sessions = createSessions({
    store,
    idleTtlMs: sessionConfig.SESSION_IDLE_TTL_SECONDS * 1000,
    absoluteTtlMs: sessionConfig.SESSION_ABSOLUTE_TTL_SECONDS * 1000,
    touchIntervalMs: sessionConfig.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
  });
  const refreshTokens = createRefreshTokenStore({ client: dynamodb, tableName: tokenTableName });
  const passwordHash = await hashPassword(password);
  const run = randomUUID().slice(0, 8);

  const seedOne = async (index: number): Promise<SeededUser> => {
    const email = `seed-${run}-${index}@load.test`;
    const signedUp = await identity.users.signUpWithPassword({ email, passwordHash });
    if (!signedUp.created) throw new Error(`${email} already exists`);
    const { userId, tenantId } = signedUp;
    const authTime = Date.now();
    const signIn = { userId, tenantId, amr: ['pwd'], acr: 'aal1' };
    const { token, session } = await sessions.create({ ...signIn, ip: '198.51.100.7', authTime });
    const { refreshToken } = await refreshTokens.issue({
      ...signIn,
      sessionId: session.sid,
      authTime: Math.floor(authTime / 1000),
    });
    return { email, userId, cookie: `${cookieName}=${token}`, refreshToken };
  };

  const users = new Array<SeededUser>(count);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        for (let index = next++; index < count; index = next++) users[index] = await seedOne(index);
      }),
    );
  } finally {
    await Promise.all([identity.close(), store.close()]);
  }
  return users;
}
