import { dependencyError } from '@authscale/core';
import type { SessionStore } from './session-store.ts';

const operations = [
  'create',
  'get',
  'touch',
  'revoke',
  'revokeAll',
  'purgeUser',
  'footprint',
  'listForUser',
  'ping',
] as const;

/**
 * The one place where a backend's own errors (pg, node-redis, sockets) become our codes, with
 * core's `dependencyError` as in every service: a store that cannot be reached, that drops the
 * connection or that says it cannot serve is `dependency_unavailable`, one that does not answer
 * in time `dependency_timeout`, anything no rule names `internal`. The original stays in `cause`
 * for the logs; answers never carry driver messages.
 */
export function translateStoreErrors(store: SessionStore): SessionStore {
  const translated: SessionStore = { ...store };
  for (const name of operations) {
    const operation = store[name] as (...args: unknown[]) => Promise<unknown>;
    (translated as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await operation.apply(store, args);
      } catch (error) {
        throw dependencyError(error);
      }
    };
  }
  return translated;
}
