import { createService, internalApiToken } from '@authscale/core';
import type { SessionConfig } from './config.ts';
import { internalAuth } from './routes/internal-auth.ts';
import { internalSessionRoutes } from './routes/internal-session-routes.ts';
import { createSessions } from './store/create-sessions.ts';
import { openSessionStore } from './store/open-session-store.ts';
import type { SessionStore } from './store/session-store.ts';
import { translateStoreErrors } from './store/translate-store-errors.ts';

export interface BuildSessionAppOptions {
  /** A store to serve instead of the one the configuration names (tests, one-process mode). */
  store?: SessionStore;
}

/** Builds a session replica: a stateless tier over the session store with a coherent near cache. */
export async function buildSessionApp(config: SessionConfig, { store }: BuildSessionAppOptions = {}) {
  const sessionStore = store ? translateStoreErrors(store) : await openSessionStore(config);
  const sessions = createSessions({
    store: sessionStore,
    idleTtlMs: config.SESSION_IDLE_TTL_SECONDS * 1000,
    absoluteTtlMs: config.SESSION_ABSOLUTE_TTL_SECONDS * 1000,
    touchIntervalMs: config.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
  });
  const app = await createService({
    name: 'session',
    logLevel: config.LOG_LEVEL,
    readiness: { store: () => sessionStore.ping() },
  });
  app.addHook('onClose', () => sessionStore.close());
  await app.register(internalAuth, { token: internalApiToken(config) });
  await app.register(internalSessionRoutes, { sessions });
  return app;
}
